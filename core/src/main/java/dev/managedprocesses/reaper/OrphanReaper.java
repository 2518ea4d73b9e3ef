package dev.managedprocesses.reaper;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

import dev.managedprocesses.internal.BoundedHistory;
import dev.managedprocesses.internal.Require;
import dev.managedprocesses.os.ExitStatus;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps orphaned zombies re-parented to this JVM (when it is PID 1 of its namespace, or a
 * child subreaper) without ever stealing the exit status of a {@link Process} that the
 * JDK waits for.
 * <p>
 * Any {@code wait()} for "some child" races the JDK's per-child reaper threads, and when
 * it wins, {@link Process#waitFor()} silently reports exit code 0. So the reaper never
 * waits for "any" child: it waits only for one specific pid that passes every one of
 * these tests (measured to steal no exit code on Java 17 and 25, as PID 1 and as
 * subreaper, under CPU load and GC pauses):
 * <ol>
 * <li>{@code waitid(P_ALL, WNOWAIT)} says some child is a zombie at all (otherwise the
 * sweep ends at once);</li>
 * <li>it is listed among the children of the JVM's <em>leader thread</em>
 * ({@code /proc/self/task/PID/children}): orphans are re-parented to the leader, while a
 * child the JDK spawned is listed under the thread that spawned it;</li>
 * <li>it is a zombie ({@code Z} in {@code /proc/PID/stat});</li>
 * <li>it is not a process of the {@code ManagedProcessFactory} (whose exit status the JDK
 * collects);</li>
 * <li>no JDK thread named {@code process reaper (pid N)} is waiting for it, or about to:
 * a thread of {@code ProcessHandle.of(N).onExit()} that found {@code N} was not its child
 * and only polls whether it is alive does not count (it never reaps, and sees the pid
 * gone once this reaper took it, so its {@code onExit()} completes);</li>
 * <li>it has been a zombie, with an unchanged start time, for at least the minimum age (1
 * s by default): the JDK hands the wait to a pool thread before {@code start()} returns,
 * and that thread takes the name only when it runs, which was seen to take 96 ms under
 * CPU load and 489 ms during GC pauses. When the sweep itself was paused (a gap far above
 * the interval means the whole JVM stood still, the JDK's threads too) every age starts
 * again. A zombie that the reaper saw alive earlier with another parent (a grandchild it
 * watched) was certainly orphaned, never spawned by the JDK, and is reaped at once;</li>
 * <li>{@code waitid(P_PID, pid, WNOWAIT)} confirms it can be waited for; only then
 * {@code waitpid(pid, WNOHANG)} reaps it ({@code ECHILD} means someone else reaped it
 * first: fine).</li>
 * </ol>
 * The checks live in {@code ReapRules}, the memory of descendants in
 * {@code DescendantWatcher}. One daemon thread sweeps at a fixed interval (at least
 * {@value #MINIMUM_SWEEP_MILLIS} ms), whatever the number of processes. The reaper
 * installs no {@code SIGCHLD} handler and never ignores {@code SIGCHLD}.
 */
public final class OrphanReaper implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(OrphanReaper.class);

	/**
	 * How often descendants of the JVM's children are recorded, to recognise them once
	 * orphaned.
	 */
	private static final long WATCH_NANOS = TimeUnit.SECONDS.toNanos(1);

	/**
	 * The shortest sweep interval: shorter ones would keep the reaper thread busy for
	 * nothing.
	 */
	static final long MINIMUM_SWEEP_MILLIS = 1;

	private final OperatingSystem os;

	private final ReaperMode mode;

	private final boolean subreaperWanted;

	private final Duration sweepInterval;

	private final List<ReaperListener> listeners = new CopyOnWriteArrayList<>();

	private final BoundedHistory<ReapedProcess> history;

	private final AtomicLong reaped = new AtomicLong();

	private final DescendantWatcher watcher;

	private final ReapRules rules;

	private volatile Instant lastSweep;

	private volatile boolean started;

	private volatile boolean active;

	private volatile boolean pidOne;

	private volatile boolean subreaper;

	private volatile Optional<String> initAbove = Optional.empty();

	private volatile Optional<String> unavailableReason = Optional.empty();

	private volatile Thread thread;

	private OrphanReaper(Builder builder) {
		this.os = builder.os;
		this.mode = builder.mode;
		this.subreaperWanted = builder.subreaper;
		this.sweepInterval = builder.sweepInterval;
		this.history = new BoundedHistory<>(builder.historySize);
		this.watcher = new DescendantWatcher(builder.os);
		JdkWaiters jdkWaiters = new JdkWaiters();
		this.rules = new ReapRules(builder.os, builder.owned, builder.minimumAge.toNanos(), jdkWaiters::waitingFor,
				this.watcher::wasSeenUnderAnotherParent);
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
	 * Sets the child subreaper flag when configured and starts the sweep thread when the
	 * mode says so. Never throws for platform reasons: what cannot work here is reported
	 * by {@link #status()}.
	 */
	public synchronized void start() {
		if (this.started) {
			return;
		}
		this.started = true;
		this.pidOne = this.os.isPidOne();
		if (this.subreaperWanted && this.os.canReap() && !this.os.isChildSubreaper()) {
			this.os.setChildSubreaper(true);
		}
		this.subreaper = this.os.isChildSubreaper();
		this.initAbove = InitDetector.initAbove(this.os);
		this.unavailableReason = unavailableReason();
		this.active = this.unavailableReason.isEmpty();
		if (this.active) {
			Thread sweeper = new Thread(this::sweepLoop, "managed-processes-reaper");
			sweeper.setDaemon(true);
			this.thread = sweeper;
			sweeper.start();
			logger.info("Orphan reaper active ({}; pid 1: {}, subreaper: {}), sweeping every {}", this.mode,
					this.pidOne, this.subreaper, this.sweepInterval);
		}
		else if (this.mode != ReaperMode.NEVER) {
			logger.info("Orphan reaper inactive: {}", this.unavailableReason.get());
		}
		if (this.pidOne && !this.active) {
			logger.warn("This JVM is PID 1 and the orphan reaper is not running: orphaned processes will stay zombies");
		}
	}

	private Optional<String> unavailableReason() {
		if (this.mode == ReaperMode.NEVER) {
			return Optional.of("reaper mode is never");
		}
		if (!this.os.canReap()) {
			List<String> limitations = this.os.limitations();
			return Optional.of(limitations.isEmpty() ? "reaping is not supported on " + this.os.description()
					: String.join("; ", limitations));
		}
		if (this.mode == ReaperMode.AUTO && !this.pidOne && !this.subreaper) {
			return Optional.of(this.initAbove
				.map((init) -> "not needed: " + init + " is PID 1 above this JVM and reaps orphans")
				.orElse("not needed: this JVM is neither PID 1 nor a child subreaper, so orphans never come to it"));
		}
		return Optional.empty();
	}

	/**
	 * The current status.
	 * @return the status
	 */
	public ReaperStatus status() {
		return new ReaperStatus(this.mode, this.active, this.unavailableReason, this.pidOne,
				this.started ? this.subreaper : this.os.isChildSubreaper(), this.initAbove, this.reaped.get(),
				Optional.ofNullable(this.lastSweep), this.sweepInterval);
	}

	/**
	 * Recently reaped orphans, newest first, bounded by the history size.
	 * @return the history
	 */
	public List<ReapedProcess> history() {
		return this.history.list();
	}

	/**
	 * When the reaper first saw a zombie child that it is waiting to reap.
	 * @param pid the zombie's pid
	 * @return when it was first seen, or empty when the reaper does not know it
	 * (inactive, or owned)
	 */
	public Optional<Instant> zombieSince(long pid) {
		return this.rules.zombieSince(pid);
	}

	/**
	 * The zombie children the reaper waits to reap, as of its last sweep, with when it
	 * first saw each. Reads nothing from the operating system, so health checks can call
	 * it as often as they like; a zombie that appeared or was reaped by someone else
	 * since the last sweep shows at the next one.
	 * @return pid to first sighting; empty when the reaper is inactive or saw no zombie
	 */
	public Map<Long, Instant> zombiesSeen() {
		return this.rules.zombiesSeenAt();
	}

	/**
	 * Adds a listener.
	 * @param listener the listener
	 */
	public void addListener(ReaperListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Stops the sweep thread (the subreaper flag stays: orphans keep coming, and a new
	 * reaper may take over).
	 */
	@Override
	public void close() {
		Thread sweeper = this.thread;
		this.active = false;
		if (sweeper != null) {
			sweeper.interrupt();
			try {
				sweeper.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.thread = null;
		}
	}

	private void sweepLoop() {
		long intervalNanos = this.sweepInterval.toNanos();
		long previous = System.nanoTime();
		long lastWatch = previous - WATCH_NANOS;
		while (this.active && !Thread.currentThread().isInterrupted()) {
			long now = System.nanoTime();
			if (now - previous > Math.max((intervalNanos > Long.MAX_VALUE / 5) ? Long.MAX_VALUE : 5 * intervalNanos,
					Require.saturatedAdd(intervalNanos, TimeUnit.MILLISECONDS.toNanos(500)))) {
				// the whole JVM stood still (GC, suspend): the JDK's reaper threads did
				// too, so ages restart
				this.rules.paused(now);
			}
			previous = now;
			try {
				if (now - lastWatch >= WATCH_NANOS) {
					this.watcher.look();
					lastWatch = now;
				}
				sweep(now);
			}
			catch (Throwable ex) {
				logger.warn("Orphan reaper sweep failed", ex);
			}
			this.lastSweep = Instant.now();
			try {
				TimeUnit.NANOSECONDS.sleep(intervalNanos);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/** Tells whether the descendant watcher has recorded this pid; for tests. */
	boolean watches(long pid) {
		return this.watcher.watches(pid);
	}

	/** One sweep; package visible for tests that drive it directly. */
	void sweep(long now) {
		for (ProcessInfo zombie : this.rules.reapable(now)) {
			// 7. waitable now, then reap that one pid (ECHILD: someone else reaped it
			// first, fine)
			if (this.os.isReapable(zombie.pid())) {
				this.os.reap(zombie.pid()).ifPresent((status) -> recordReaped(zombie, status));
				this.rules.forget(zombie.id());
			}
		}
	}

	private void recordReaped(ProcessInfo zombie, ExitStatus status) {
		List<String> command = this.watcher.command(zombie.id()).orElse(zombie.command());
		this.watcher.forget(zombie.id());
		OptionalInt exitCode = status.killedBySignal() ? OptionalInt.empty() : OptionalInt.of(status.exitCode());
		ReapedProcess process = new ReapedProcess(zombie.pid(), command, exitCode, status.signal(), Instant.now());
		this.reaped.incrementAndGet();
		this.history.add(process);
		logger.debug("Reaped orphan {} {} ({})", process.pid(),
				dev.managedprocesses.internal.CommandLines.describe(process.command()), status);
		for (ReaperListener listener : this.listeners) {
			try {
				listener.reaped(process);
			}
			catch (RuntimeException ex) {
				logger.warn("Reaper listener {} failed", listener, ex);
			}
		}
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
		 * Whether to make this JVM a child subreaper at start (on by default, Linux
		 * only), so that orphans of its children come back to it instead of going to
		 * init.
		 * @param subreaper {@code true} to set the flag
		 * @return this builder
		 */
		public Builder subreaper(boolean subreaper) {
			this.subreaper = subreaper;
			return this;
		}

		/**
		 * The interval between sweeps (100 ms by default).
		 * @param interval at least 1 ms
		 * @return this builder
		 * @throws IllegalArgumentException when shorter than 1 ms (a shorter interval
		 * would spin the reaper thread)
		 */
		public Builder sweepInterval(Duration interval) {
			Require.schedulable(interval, "sweepInterval");
			if (interval.compareTo(Duration.ofMillis(MINIMUM_SWEEP_MILLIS)) < 0) {
				throw new IllegalArgumentException("sweepInterval must be at least " + MINIMUM_SWEEP_MILLIS
						+ " ms (a shorter one spins the reaper thread), was " + interval);
			}
			this.sweepInterval = interval;
			return this;
		}

		/**
		 * How long a zombie must have been seen, with an unchanged start time, before it
		 * may be reaped (1 s by default). Lower values risk stealing the exit status of a
		 * JDK child under load.
		 * @param minimumAge zero or more
		 * @return this builder
		 */
		public Builder minimumAge(Duration minimumAge) {
			this.minimumAge = Require.schedulableOrZero(minimumAge, "minimumAge");
			return this;
		}

		/**
		 * How many reaped orphans to remember (100 by default).
		 * @param size 0 or more
		 * @return this builder
		 */
		public Builder historySize(int size) {
			this.historySize = Require.notNegative(size, "historySize");
			return this;
		}

		/**
		 * Pids whose exit status belongs to someone else in this JVM (the factory's live
		 * processes): never reaped. Use {@code factory::isManaged}.
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
