package dev.managedprocesses.autoconfigure;

import java.time.Duration;

import dev.managedprocesses.reaper.ReaperMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for managed processes, under {@code managed-processes}. Bad
 * values fail binding with a message naming the property.
 */
@ConfigurationProperties("managed-processes")
public class ManagedProcessesProperties {

	/** The largest duration in nanoseconds. */
	private static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

	/**
	 * Timeout for processes that set none; they are then stopped, whole tree. None by
	 * default.
	 */
	private Duration defaultTimeout;

	/**
	 * How long a process tree may take to end after SIGTERM before it gets SIGKILL (on
	 * stop, timeout and shutdown).
	 */
	private Duration gracePeriod = Duration.ofSeconds(5);

	/**
	 * Most output kept per stream of a process; past it the first and last halves are
	 * kept.
	 */
	private DataSize captureLimit = DataSize.ofMegabytes(1);

	/**
	 * How many finished processes to remember for the endpoint.
	 */
	private int historySize = 100;

	/**
	 * How many processes may run at once.
	 */
	private int maxConcurrent = 1024;

	/**
	 * How long start() waits for a free slot when max-concurrent processes run, before it
	 * fails.
	 */
	private Duration startWait = Duration.ofSeconds(10);

	/**
	 * Whether to make the JVM a child subreaper (Linux), so orphans of managed processes
	 * come back to it to be stopped and reaped instead of going to init.
	 */
	private boolean subreaper = true;

	private final Reaper reaper = new Reaper();

	private final Health health = new Health();

	public Duration getDefaultTimeout() {
		return this.defaultTimeout;
	}

	public void setDefaultTimeout(Duration defaultTimeout) {
		this.defaultTimeout = (defaultTimeout != null)
				? fitsInNanos(positive(defaultTimeout, "managed-processes.default-timeout"),
						"managed-processes.default-timeout")
				: null;
	}

	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	public void setGracePeriod(Duration gracePeriod) {
		this.gracePeriod = fitsInNanos(positive(gracePeriod, "managed-processes.grace-period"),
				"managed-processes.grace-period");
	}

	public DataSize getCaptureLimit() {
		return this.captureLimit;
	}

	public void setCaptureLimit(DataSize captureLimit) {
		if (captureLimit.isNegative() || captureLimit.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("managed-processes.capture-limit must be between 0 and "
					+ Integer.MAX_VALUE + " bytes, was " + captureLimit);
		}
		this.captureLimit = captureLimit;
	}

	public int getHistorySize() {
		return this.historySize;
	}

	public void setHistorySize(int historySize) {
		this.historySize = notNegative(historySize, "managed-processes.history-size");
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
		if (startWait.isNegative()) {
			throw new IllegalArgumentException("managed-processes.start-wait must not be negative, was " + startWait);
		}
		this.startWait = fitsInNanos(startWait, "managed-processes.start-wait");
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

	/**
	 * Rejects a duration that the starter could not schedule (it counts in nanoseconds,
	 * about 292 years at most), at binding, with the property's name, before anything
	 * starts (issue 10 item 4).
	 */
	private static Duration fitsInNanos(Duration duration, String property) {
		try {
			duration.toNanos();
		}
		catch (ArithmeticException ex) {
			throw new IllegalArgumentException(
					property + " must be at most " + MAX_DURATION + " (292 years), was " + duration);
		}
		return duration;
	}

	/**
	 * The orphan reaper.
	 */
	public static class Reaper {

		/**
		 * When to reap orphaned zombies: auto (when the JVM is PID 1 or a child
		 * subreaper), always, never.
		 */
		private ReaperMode mode = ReaperMode.AUTO;

		/**
		 * Interval between reaper sweeps.
		 */
		private Duration sweepInterval = Duration.ofMillis(100);

		/**
		 * How long a zombie must have been seen before it is reaped; lower values risk
		 * stealing the exit code of a JDK child under load.
		 */
		private Duration minimumAge = Duration.ofSeconds(1);

		/**
		 * How many reaped orphans to remember for the endpoint.
		 */
		private int historySize = 100;

		public ReaperMode getMode() {
			return this.mode;
		}

		public void setMode(ReaperMode mode) {
			this.mode = mode;
		}

		public Duration getSweepInterval() {
			return this.sweepInterval;
		}

		public void setSweepInterval(Duration sweepInterval) {
			this.sweepInterval = fitsInNanos(positive(sweepInterval, "managed-processes.reaper.sweep-interval"),
					"managed-processes.reaper.sweep-interval");
		}

		public Duration getMinimumAge() {
			return this.minimumAge;
		}

		public void setMinimumAge(Duration minimumAge) {
			if (minimumAge.isNegative()) {
				throw new IllegalArgumentException(
						"managed-processes.reaper.minimum-age must not be negative, was " + minimumAge);
			}
			this.minimumAge = fitsInNanos(minimumAge, "managed-processes.reaper.minimum-age");
		}

		public int getHistorySize() {
			return this.historySize;
		}

		public void setHistorySize(int historySize) {
			this.historySize = notNegative(historySize, "managed-processes.reaper.history-size");
		}

	}

	/**
	 * The processes health indicator.
	 */
	public static class Health {

		/**
		 * Most zombie children tolerated: with the reaper running, zombies older than its
		 * minimum age plus two sweeps (at least 1 s); without it, zombies lasting longer
		 * than one sweep interval. Above it, health is DOWN.
		 */
		private int zombieThreshold = 0;

		public int getZombieThreshold() {
			return this.zombieThreshold;
		}

		public void setZombieThreshold(int zombieThreshold) {
			this.zombieThreshold = notNegative(zombieThreshold, "managed-processes.health.zombie-threshold");
		}

	}

	/** A property that must be a positive duration; the message names the property. */
	private static Duration positive(Duration value, String property) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive, was " + value);
		}
		return value;
	}

	/** A property that must be 0 or more; the message names the property. */
	private static int notNegative(int value, String property) {
		if (value < 0) {
			throw new IllegalArgumentException(property + " must not be negative, was " + value);
		}
		return value;
	}

}
