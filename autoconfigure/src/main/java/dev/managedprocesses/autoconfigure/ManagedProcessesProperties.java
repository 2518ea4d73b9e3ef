package dev.managedprocesses.autoconfigure;

import java.time.Duration;

import dev.managedprocesses.reaper.ReaperMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for managed processes ({@code managed-processes.*}). Setters reject bad values, so a
 * wrong value fails the binding with a message that names the property.
 */
@ConfigurationProperties("managed-processes")
public class ManagedProcessesProperties {

	/**
	 * Timeout of every process that sets none. None by default.
	 */
	private Duration defaultTimeout;

	/**
	 * How long a process tree may take to end after SIGTERM before it gets SIGKILL.
	 */
	private Duration gracePeriod = Duration.ofSeconds(5);

	/**
	 * How much output is captured per stream of a process that sets no limit.
	 */
	private DataSize captureLimit = DataSize.ofMegabytes(1);

	/**
	 * How many results of finished processes are kept.
	 */
	private int historySize = 100;

	/**
	 * How many managed processes may run at once.
	 */
	private int maxConcurrent = 1024;

	/**
	 * How long starting a process waits for a free slot when max-concurrent processes run.
	 */
	private Duration startWait = Duration.ofSeconds(10);

	/**
	 * Whether to make the JVM a child subreaper (Linux), so that orphans of managed trees are re-parented to it
	 * and can be found, stopped and reaped.
	 */
	private boolean subreaper = true;

	private final Reaper reaper = new Reaper();

	private final Health health = new Health();

	public Duration getDefaultTimeout() {
		return this.defaultTimeout;
	}

	public void setDefaultTimeout(Duration defaultTimeout) {
		this.defaultTimeout = (defaultTimeout != null) ? positive(defaultTimeout, "default-timeout") : null;
	}

	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	public void setGracePeriod(Duration gracePeriod) {
		this.gracePeriod = positive(gracePeriod, "grace-period");
	}

	public DataSize getCaptureLimit() {
		return this.captureLimit;
	}

	public void setCaptureLimit(DataSize captureLimit) {
		if (captureLimit == null || captureLimit.isNegative() || captureLimit.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"managed-processes.capture-limit must be between 0 and 2GB, was " + captureLimit);
		}
		this.captureLimit = captureLimit;
	}

	public int getHistorySize() {
		return this.historySize;
	}

	public void setHistorySize(int historySize) {
		this.historySize = notNegative(historySize, "history-size");
	}

	public int getMaxConcurrent() {
		return this.maxConcurrent;
	}

	public void setMaxConcurrent(int maxConcurrent) {
		if (maxConcurrent < 1) {
			throw new IllegalArgumentException(
					"managed-processes.max-concurrent must be at least 1, was " + maxConcurrent);
		}
		this.maxConcurrent = maxConcurrent;
	}

	public Duration getStartWait() {
		return this.startWait;
	}

	public void setStartWait(Duration startWait) {
		this.startWait = notNegative(startWait, "start-wait");
	}

	public boolean isSubreaper() {
		return this.subreaper;
	}

	public void setSubreaper(boolean subreaper) {
		this.subreaper = subreaper;
	}

	public Reaper getReaper() {
		return this.reaper;
	}

	public Health getHealth() {
		return this.health;
	}

	static Duration positive(Duration duration, String property) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException("managed-processes." + property + " must be positive, was " + duration);
		}
		return duration;
	}

	static Duration notNegative(Duration duration, String property) {
		if (duration == null || duration.isNegative()) {
			throw new IllegalArgumentException(
					"managed-processes." + property + " must not be negative, was " + duration);
		}
		return duration;
	}

	static int notNegative(int value, String property) {
		if (value < 0) {
			throw new IllegalArgumentException("managed-processes." + property + " must not be negative, was " + value);
		}
		return value;
	}

	/**
	 * Orphan reaper properties.
	 */
	public static class Reaper {

		/**
		 * When to reap orphaned zombies: 'auto' when the JVM is PID 1 or a child subreaper and no init process
		 * does it already, 'always' or 'never'.
		 */
		private ReaperMode mode = ReaperMode.AUTO;

		/**
		 * Interval between two sweeps for orphaned zombies.
		 */
		private Duration sweepInterval = Duration.ofMillis(100);

		/**
		 * How long a zombie must have been seen before it is reaped, so that a waiting parent gets it first.
		 */
		private Duration minimumAge = Duration.ofSeconds(1);

		/**
		 * How many reaped orphans are kept.
		 */
		private int historySize = 100;

		public ReaperMode getMode() {
			return this.mode;
		}

		public void setMode(ReaperMode mode) {
			if (mode == null) {
				throw new IllegalArgumentException("managed-processes.reaper.mode must be auto, always or never");
			}
			this.mode = mode;
		}

		public Duration getSweepInterval() {
			return this.sweepInterval;
		}

		public void setSweepInterval(Duration sweepInterval) {
			this.sweepInterval = positive(sweepInterval, "reaper.sweep-interval");
		}

		public Duration getMinimumAge() {
			return this.minimumAge;
		}

		public void setMinimumAge(Duration minimumAge) {
			this.minimumAge = notNegative(minimumAge, "reaper.minimum-age");
		}

		public int getHistorySize() {
			return this.historySize;
		}

		public void setHistorySize(int historySize) {
			this.historySize = notNegative(historySize, "reaper.history-size");
		}

	}

	/**
	 * Health indicator properties.
	 */
	public static class Health {

		/**
		 * How many zombie children of the JVM are tolerated; above it, for longer than the reaper needs to reap
		 * them (minimum age plus one sweep interval), health is DOWN.
		 */
		private int zombieThreshold = 10;

		public int getZombieThreshold() {
			return this.zombieThreshold;
		}

		public void setZombieThreshold(int zombieThreshold) {
			this.zombieThreshold = notNegative(zombieThreshold, "health.zombie-threshold");
		}

	}

}
