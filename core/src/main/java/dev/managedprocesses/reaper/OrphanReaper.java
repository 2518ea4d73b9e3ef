package dev.managedprocesses.reaper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

import dev.managedprocesses.internal.Require;
import dev.managedprocesses.os.ExitStatus;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps orphaned zombies re-parented to this JVM (when it is PID 1 of its namespace, or a child subreaper)
 * without ever stealing the exit status of a {@link Process} that the JDK waits for.
 * <p>
 * Any {@code wait()} for "some child" races the JDK's per-child reaper threads, and when it wins,
 * {@link Process#waitFor()} silently reports exit code 0. So the reaper never waits for "any" child: it waits
 * only for one specific pid that passes every one of these tests (measured to steal no exit code on Java 17
 * and 25, as PID 1 and as subreaper, under CPU load and GC pauses):
 * <ol>
 * <li>{@code waitid(P_ALL, WNOWAIT)} says some child is a zombie at all (otherwise the sweep ends at once);</li>
 * <li>it is listed among the children of the JVM's <em>leader thread</em>
 * ({@code /proc/self/task/PID/children}): orphans are re-parented to the leader, while a child the JDK
 * spawned is listed under the thread that spawned it;</li>
 * <li>it is a zombie ({@code Z} in {@code /proc/PID/stat});</li>
 * <li>it is not a process of the {@code ManagedProcessFactory} (whose exit status the JDK collects);</li>
 * <li>no JDK thread named {@code process reaper (pid N)} is waiting for it;</li>
 * <li>it has been a zombie, with an unchanged start time, for at least the minimum age (1 s by default):
 * the JDK hands the wait to a pool thread before {@code start()} returns, and that thread takes the name
 * only when it runs, which was seen to take 96 ms under CPU load and 489 ms during GC pauses. When the
 * sweep itself was paused (a gap far above the interval means the whole JVM stood still, the JDK's threads
 * too) every age starts again. A zombie that the reaper saw alive earlier with another parent (a grandchild
 * it watched) was certainly orphaned, never spawned by the JDK, and is reaped at once;</li>
 * <li>{@code waitid(P_PID, pid, WNOWAIT)} confirms it can be waited for; only then
 * {@code waitpid(pid, WNOHANG)} reaps it ({@code ECHILD} means someone else reaped it first: fine).</li>
 * </ol>
 * One daemon thread sweeps at a fixed interval, whatever the number of processes. The reaper installs no
 * {@code SIGCHLD} handler and never ignores {@code SIGCHLD}.
 */
public final class OrphanReaper implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(OrphanReaper.class);

	/** How often descendants of the JVM's children are recorded, to recognise them once orphaned. */
	private static final long WATCH_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** At most this many descendants are watched, so a huge tree cannot make a sweep expensive. */
	private static final int WATCH_LIMIT = 5_000;

	private final OperatingSystem os;

	private final ReaperMode mode;

	private final boolean subreaperWanted;

	private final Duration sweepInterval;

	private final long minimumAgeNanos;

	private final int historySize;

	private final LongPredicate owned;

	private final JdkWaiters jdkWaiters = new JdkWaiters();

	private final List<ReaperListener> listeners = new CopyOnWriteArrayList<>();

	private final Deque<ReapedProcess> history = new ArrayDeque<>();

	private final AtomicLong reaped = new AtomicLong();

	/** Zombie candidates: identity to when first seen as a zombie (nanoTime). Reaper thread only. */
	private final Map<ProcessId, Long> zombiesSince = new HashMap<>();

	/** When each zombie candidate was first seen, for reports; written by the reaper thread only. */
	private final Map<Long, Instant> zombiesSeenAt = new java.util.concurrent.ConcurrentHashMap<>();

	/** Descendants seen alive with a parent other than the JVM, with their command. Reaper thread only. */
	private Map<ProcessId, List<String>> watched = new HashMap<>();

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
		this.minimumAgeNanos = builder.minimumAge.toNanos();
		this.historySize = builder.historySize;
		this.owned = builder.owned;
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
	 * Sets the child subreaper flag when configured and starts the sweep thread when the mode says so. Never
	 * throws for platform reasons: what cannot work here is reported by {@link #status()}.
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
		synchronized (this.history) {
			return List.copyOf(this.history);
		}
	}

	/**
	 * When the reaper first saw a zombie child that it is waiting to reap.
	 * @param pid the zombie's pid
	 * @return when it was first seen, or empty when the reaper does not know it (inactive, or owned)
	 */
	public Optional<Instant> zombieSince(long pid) {
		return Optional.ofNullable(this.zombiesSeenAt.get(pid));
	}

	/**
	 * Adds a listener.
	 * @param listener the listener
	 */
	public void addListener(ReaperListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Stops the sweep thread (the subreaper flag stays: orphans keep coming, and a new reaper may take
	 * over).
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
			if (now - previous > Math.max(5 * intervalNanos, intervalNanos + TimeUnit.MILLISECONDS.toNanos(500))) {
				// the whole JVM stood still (GC, suspend): the JDK's reaper threads did too, so ages restart
				this.zombiesSince.replaceAll((id, since) -> now);
			}
			previous = now;
			try {
				if (now - lastWatch >= WATCH_NANOS) {
					watchDescendants();
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

	/** One sweep; package visible for tests that drive it directly. */
	void sweep(long now) {
		if (this.os.anyZombieChild().isEmpty()) {
			this.zombiesSince.clear();
			this.zombiesSeenAt.clear();
			return;
		}
		long self = this.os.currentPid();
		List<Long> children = this.os.threadChildren(self, self).orElseGet(() -> this.os.children(self));
		Set<ProcessId> zombies = new HashSet<>();
		List<ProcessInfo> candidates = new ArrayList<>();
		for (long pid : children) {
			Optional<ProcessInfo> info = this.os.process(pid);
			if (info.isEmpty() || !info.get().isZombie() || this.owned.test(pid)) {
				continue;
			}
			zombies.add(info.get().id());
			if (this.zombiesSince.putIfAbsent(info.get().id(), now) == null) {
				this.zombiesSeenAt.put(pid, Instant.now());
			}
			candidates.add(info.get());
		}
		this.zombiesSince.keySet().retainAll(zombies);
		Set<Long> zombiePids = new HashSet<>();
		zombies.forEach((id) -> zombiePids.add(id.pid()));
		this.zombiesSeenAt.keySet().retainAll(zombiePids);
		if (candidates.isEmpty()) {
			return;
		}
		Set<Long> waitedByJdk = this.jdkWaiters.pids();
		for (ProcessInfo zombie : candidates) {
			if (waitedByJdk.contains(zombie.pid())) {
				continue;
			}
			boolean orphanForSure = this.watched.containsKey(zombie.id());
			boolean oldEnough = now - this.zombiesSince.get(zombie.id()) >= this.minimumAgeNanos;
			if ((orphanForSure || oldEnough) && this.os.isReapable(zombie.pid())) {
				this.os.reap(zombie.pid()).ifPresent((status) -> recordReaped(zombie, status));
				this.zombiesSince.remove(zombie.id());
			}
		}
	}

	/**
	 * Records the live descendants of the JVM's children, that is every process whose parent is not the JVM:
	 * one of them that later shows up as a zombie child of the JVM was orphaned, and its command is known.
	 */
	void watchDescendants() {
		long self = this.os.currentPid();
		Map<ProcessId, List<String>> seen = new HashMap<>();
		Deque<Long> queue = new ArrayDeque<>(this.os.children(self));
		Set<Long> visited = new HashSet<>(queue);
		while (!queue.isEmpty() && seen.size() < WATCH_LIMIT) {
			long parent = queue.poll();
			for (long child : this.os.children(parent)) {
				if (visited.add(child)) {
					this.os.process(child)
						.filter(ProcessInfo::isAlive)
						.filter((info) -> info.parentPid() != self)
						.ifPresent((info) -> seen.put(info.id(), info.command()));
					queue.add(child);
				}
			}
		}
		// keep what was watched before and is now a zombie child of the JVM, so it can still be recognised
		for (Map.Entry<ProcessId, List<String>> entry : this.watched.entrySet()) {
			if (!seen.containsKey(entry.getKey()) && this.os.process(entry.getKey().pid())
				.filter((info) -> info.startTime() == entry.getKey().startTime())
				.isPresent()) {
				seen.put(entry.getKey(), entry.getValue());
			}
		}
		this.watched = seen;
	}

	private void recordReaped(ProcessInfo zombie, ExitStatus status) {
		List<String> command = this.watched.getOrDefault(zombie.id(), zombie.command());
		this.watched.remove(zombie.id());
		ReapedProcess process = new ReapedProcess(zombie.pid(), command, status, Instant.now());
		this.reaped.incrementAndGet();
		if (this.historySize > 0) {
			synchronized (this.history) {
				this.history.addFirst(process);
				while (this.history.size() > this.historySize) {
					this.history.removeLast();
				}
			}
		}
		logger.debug("Reaped orphan {} {} ({})", process.pid(), process.command(), status);
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
		 * Whether to make this JVM a child subreaper at start (on by default, Linux only), so that orphans of
		 * its children come back to it instead of going to init.
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
			this.sweepInterval = Require.positive(interval, "sweepInterval");
			return this;
		}

		/**
		 * How long a zombie must have been seen, with an unchanged start time, before it may be reaped
		 * (1 s by default). Lower values risk stealing the exit status of a JDK child under load.
		 * @param minimumAge zero or more
		 * @return this builder
		 */
		public Builder minimumAge(Duration minimumAge) {
			Objects.requireNonNull(minimumAge, "minimumAge must not be null");
			if (minimumAge.isNegative()) {
				throw new IllegalArgumentException("minimumAge must not be negative, was " + minimumAge);
			}
			this.minimumAge = minimumAge;
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
