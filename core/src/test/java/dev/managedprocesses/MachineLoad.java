package dev.managedprocesses;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Bounds for tests that must hold on a busy machine: a margin grows with the load average
 * per core, so a bound still proves "about one grace period" (not 500 of them) without
 * assuming a fast, idle machine.
 */
final class MachineLoad {

	private MachineLoad() {
	}

	/**
	 * A margin scaled by the machine's load: {@code base} on an idle machine, up to 8
	 * times it when the one-minute load average is 8 times the number of cores or more.
	 * @param base the margin on an idle machine
	 * @return the scaled margin
	 */
	static Duration margin(Duration base) {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		int cores = Runtime.getRuntime().availableProcessors();
		double factor = (load < 0) ? 2 : Math.min(8, Math.max(1, load / cores));
		return Duration.ofMillis((long) (base.toMillis() * factor));
	}

}
