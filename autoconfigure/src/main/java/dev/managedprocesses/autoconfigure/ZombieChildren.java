package dev.managedprocesses.autoconfigure;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;

/**
 * Counts the zombie children of this JVM without reading the whole process table (health and metrics ask often).
 */
public final class ZombieChildren {

	private ZombieChildren() {
	}

	/**
	 * Counts the zombie children of the JVM.
	 * @param os the operating system
	 * @return how many, 0 when zombies cannot be seen
	 */
	public static int count(OperatingSystem os) {
		if (!os.canSeeZombies()) {
			return 0;
		}
		int zombies = 0;
		for (long child : os.children(os.currentPid())) {
			if (os.process(child).map(ProcessInfo::isZombie).orElse(false)) {
				zombies++;
			}
		}
		return zombies;
	}

}
