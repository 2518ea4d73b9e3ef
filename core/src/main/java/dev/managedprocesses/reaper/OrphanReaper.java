package dev.managedprocesses.reaper;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.LongPredicate;

import dev.managedprocesses.os.OperatingSystem;

/**
 * Reaps orphaned zombies re-parented to this JVM (when it is PID 1 or a child subreaper) without ever
 * stealing the exit status of a {@link Process} the JDK waits for. SKELETON: the implementation lands with
 * the reaper issue.
 */
public final class OrphanReaper implements AutoCloseable {

	private final Builder settings;

	private OrphanReaper(Builder builder) {
		this.settings = builder;
	}

	/**
	 * A builder.
	 * @param os the operating system
	 * @return the builder
	 */
	public static Builder builder(OperatingSystem os) {
		return new Builder(os);
	}

	/**
	 * Sets the child subreaper flag when configured and starts the sweep thread when the mode says so.
	 */
	public void start() {
	}

	/**
	 * The current status.
	 * @return the status
	 */
	public ReaperStatus status() {
		return new ReaperStatus(this.settings.mode, false, java.util.Optional.of("not implemented yet"), false, false,
				java.util.Optional.empty(), 0, java.util.Optional.empty(), this.settings.sweepInterval);
	}

	/**
	 * Recently reaped orphans, newest first, bounded by the history size.
	 * @return the history
	 */
	public List<ReapedProcess> history() {
		return List.of();
	}

	/**
	 * Adds a listener.
	 * @param listener the listener
	 */
	public void addListener(ReaperListener listener) {
	}

	/**
	 * Stops the sweep thread.
	 */
	@Override
	public void close() {
	}

	/**
	 * Builds an {@link OrphanReaper}.
	 */
	public static final class Builder {

		private final OperatingSystem os;

		private ReaperMode mode = ReaperMode.AUTO;

		private boolean subreaper = true;

		private Duration sweepInterval = Duration.ofMillis(100);

		private Duration minimumAge = Duration.ofSeconds(1);

		private int historySize = 100;

		private LongPredicate owned = (pid) -> false;

		private Builder(OperatingSystem os) {
			this.os = Objects.requireNonNull(os, "os must not be null");
		}

		/**
		 * The mode ({@link ReaperMode#AUTO} by default).
		 * @param mode the mode
		 * @return this builder
		 */
		public Builder mode(ReaperMode mode) {
			this.mode = Objects.requireNonNull(mode, "mode must not be null");
			return this;
		}

		/**
		 * Whether to make this JVM a child subreaper at start (on by default, Linux only).
		 * @param subreaper {@code true} to set the flag
		 * @return this builder
		 */
		public Builder subreaper(boolean subreaper) {
			this.subreaper = subreaper;
			return this;
		}

		/**
		 * The interval between sweeps (100 ms by default).
		 * @param interval a positive duration
		 * @return this builder
		 */
		public Builder sweepInterval(Duration interval) {
			this.sweepInterval = Objects.requireNonNull(interval, "sweepInterval must not be null");
			return this;
		}

		/**
		 * How long a zombie must have been seen, with an unchanged start time, before it may be reaped
		 * (1 s by default).
		 * @param minimumAge zero or more
		 * @return this builder
		 */
		public Builder minimumAge(Duration minimumAge) {
			this.minimumAge = Objects.requireNonNull(minimumAge, "minimumAge must not be null");
			return this;
		}

		/**
		 * How many reaped orphans to remember (100 by default).
		 * @param size 0 or more
		 * @return this builder
		 */
		public Builder historySize(int size) {
			this.historySize = size;
			return this;
		}

		/**
		 * Pids whose exit status belongs to someone else in this JVM (the factory's live processes): never
		 * reaped. Use {@code factory::isManaged}.
		 * @param owned the test
		 * @return this builder
		 */
		public Builder owned(LongPredicate owned) {
			this.owned = Objects.requireNonNull(owned, "owned must not be null");
			return this;
		}

		/**
		 * Builds the reaper; call {@link OrphanReaper#start()} to start it.
		 * @return the reaper
		 */
		public OrphanReaper build() {
			return new OrphanReaper(this);
		}

	}

}
