package dev.managedprocesses.autoconfigure.actuate;

import java.util.List;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;

/**
 * Counts the zombie children of this JVM cheaply (its children list, then one stat per child), for health
 * and metrics, which must not read the whole process table.
 */
final class JvmChildren {

	private JvmChildren() {
	}

	static long zombies(OperatingSystem os) {
		return zombiePids(os).size();
	}

	static List<Long> zombiePids(OperatingSystem os) {
		if (!os.canSeeZombies()) {
			return List.of();
		}
		return os.children(os.currentPid())
			.stream()
			.filter((pid) -> os.process(pid).map(ProcessInfo::isZombie).orElse(false))
			.toList();
	}

}
