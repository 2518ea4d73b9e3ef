package dev.managedprocesses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import dev.managedprocesses.internal.CallbackExecutor;
import dev.managedprocesses.internal.Listeners;
import dev.managedprocesses.internal.Require;
import dev.managedprocesses.internal.TreeStopper;
import dev.managedprocesses.internal.io.IoLoop;
import dev.managedprocesses.os.OperatingSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and tracks managed processes: the entry point of the starter. In a Spring Boot
 * application it is a bean; without Spring, build one with {@link #builder()} and
 * {@link #close()} it when done.
 *
 * <pre class="code">
 * ProcessResult r = factory.command("git", "status").timeout(Duration.ofSeconds(10)).run();
 * ManagedProcess p = factory.command("ffmpeg", "-i", in, out).name("thumbnail").start();
 * </pre>
 *
 * <h2>How whole trees are stopped</h2> Every process started here gets the environment
 * variable {@value #TREE_VARIABLE} with a value unique to it, which its descendants
 * inherit. Stopping a tree (on {@code stop()}, {@code kill()}, a timeout or
 * {@link #shutdown()}) sends {@code SIGTERM} to the root, to its descendants by parent
 * links, to descendants seen earlier in the stop whose parent died, and to every process
 * carrying the tree's marker (which finds double-forked daemons wherever they were
 * re-parented); after the grace period whatever is still alive gets {@code SIGKILL},
 * repeatedly, until nothing is. Each signal first checks the pid's start time, so a
 * reused pid is never hit. With the child subreaper on (see the reaper) orphans come back
 * to this JVM, which keeps them visible and reaps them.
 */
public final class ManagedProcessFactory implements AutoCloseable {

	/** The environment variable that marks every member of a managed process tree. */
	public static final String TREE_VARIABLE = "MANAGED_PROCESS_TREE";

	private static final Logger logger = LoggerFactory.getLogger(ManagedProcessFactory.class);

	private final Settings settings;

	private final OperatingSystem os;

	private final ProcessRegistry registry;

	private final ScheduledThreadPoolExecutor scheduler;

	private final TreeStopper treeStopper;

	private final Semaphore permits;

	private final Listeners<ProcessListener> listeners;

	/** Where user code runs (see {@link Builder#callbackExecutor(Executor)}). */
	private final Executor callbackExecutor;

	/**
	 * The default callback pool when the user gave none; shut down by {@link #close()}.
	 */
	private final ExecutorService ownedCallbackPool;

	private final StartPreconditions preconditions;

	private final ProcessLauncher launcher;

	/** See {@link Builder#interceptor(ProcessInterceptor)}. */
	private final ProcessInterceptors interceptors;

	/**
	 * Created on first use by {@link #ioLoop()}, closed by {@link #close()} and kept, so
	 * that a late caller gets the closed loop instead of starting another.
	 */
	private volatile IoLoop ioLoop;

	/** Set by {@link #close()}: a loop created after it is created closed. */
	private boolean ioLoopClosed;

	private final String factoryId;

	private final AtomicLong sequence = new AtomicLong();

	private final Object lifecycleLock = new Object();

	/**
	 * The start gate: every start holds the read lock from its last check of
	 * {@link #closed} until it is registered (or failed); {@link #shutdown()} takes the
	 * write lock after setting {@code closed}, so its snapshot of the live processes
	 * contains every start that got past the gate, and no later start spawns.
	 */
	private final ReentrantReadWriteLock startGate = new ReentrantReadWriteLock();

	private volatile boolean closed;

	private volatile CompletableFuture<Void> shutdown;

	/**
	 * The longest grace period of the trees stopped by {@link #shutdown()}; set by it.
	 */
	private volatile Duration shutdownGrace;

	/**
	 * After SIGKILL, how long the stop loop may go on finding and killing members, plus a
	 * margin.
	 */
	private static final Duration KILL_PHASE_AND_MARGIN = Duration.ofSeconds(30);

	private ManagedProcessFactory(Builder builder) {
		this.settings = new Settings(Optional.ofNullable(builder.defaultTimeout), builder.gracePeriod,
				builder.captureLimit, builder.historySize, builder.maxConcurrent, builder.startWait);
		this.os = builder.os;
		this.registry = new ProcessRegistry(builder.historySize);
		this.scheduler = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "managed-processes-scheduler");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.setRemoveOnCancelPolicy(true);
		// once shut down (every tree gone), a timeout armed late must not keep the thread
		// alive
		this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.scheduler.setKeepAliveTime(10, TimeUnit.SECONDS);
		this.scheduler.allowCoreThreadTimeOut(true);
		this.treeStopper = new TreeStopper(this.os, this.scheduler, TREE_VARIABLE);
		this.permits = new Semaphore(builder.maxConcurrent);
		this.listeners = new Listeners<>(builder.listeners);
		this.ownedCallbackPool = (builder.callbackExecutor != null) ? null : CallbackExecutor.newDefault();
		this.callbackExecutor = CallbackExecutor
			.neverRejecting((builder.callbackExecutor != null) ? builder.callbackExecutor : this.ownedCallbackPool);
		this.preconditions = new StartPreconditions(this.os);
		this.interceptors = new ProcessInterceptors(builder.interceptors);
		this.launcher = new ProcessLauncher(this, this.listeners);
		this.factoryId = this.os.currentPid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
	}

	/**
	 * A factory with default settings on this platform.
	 * @return the factory
	 */
	public static ManagedProcessFactory create() {
		return builder().build();
	}

	/**
	 * A builder for a factory.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Describes a process to start.
	 * @param command the executable and its arguments, never a shell string
	 * @return a builder for the process
	 */
	public ManagedProcessBuilder command(String... command) {
		Objects.requireNonNull(command, "command must not be null");
		return new ManagedProcessBuilder(this, Arrays.asList(command));
	}

	/**
	 * Describes a process to start.
	 * @param command the executable and its arguments, never a shell string
	 * @return a builder for the process
	 */
	public ManagedProcessBuilder command(List<String> command) {
		return new ManagedProcessBuilder(this, command);
	}

	/**
	 * The live managed processes.
	 * @return a snapshot of the live processes
	 */
	public List<ManagedProcess> processes() {
		return List.copyOf(this.registry.live());
	}

	/**
	 * How many managed processes are live, without copying them: for health checks and
	 * gauges that are polled often.
	 * @return the number of live managed processes
	 */
	public int liveCount() {
		return this.registry.liveCount();
	}

	/**
	 * One live managed process.
	 * @param pid its pid
	 * @return the process, or empty when no live managed process has this pid
	 */
	public Optional<ManagedProcess> find(long pid) {
		return this.registry.find(pid).map(ManagedProcess.class::cast);
	}

	/**
	 * Recent results of finished processes, newest first, bounded by the history size.
	 * Their output is trimmed to its last 4096 characters per stream.
	 * @return the history
	 */
	public List<ProcessResult> history() {
		return this.registry.history();
	}

	/**
	 * Tells whether a pid is a live process started by this factory (its exit status
	 * belongs to the JDK, so the reaper must never wait for it).
	 * @param pid the pid
	 * @return {@code true} for a live managed process
	 */
	public boolean isManaged(long pid) {
		return this.registry.contains(pid);
	}

	/**
	 * The settings this factory runs with.
	 * @return the settings
	 */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * The operating system layer this factory uses (the {@link OperatingSystem} SPI); to
	 * describe the processes, take a {@link ProcessOverview} instead.
	 * @return the operating system
	 */
	public OperatingSystem operatingSystem() {
		return this.os;
	}

	/**
	 * Adds a listener for process events (metrics use this).
	 * @param listener the listener
	 */
	public void addListener(ProcessListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Removes a listener.
	 * @param listener the listener
	 */
	public void removeListener(ProcessListener listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Stops every live managed tree, all in parallel: {@code SIGTERM}, the grace period,
	 * then {@code SIGKILL}, and also any leftover process that still carries the marker
	 * of a process started here (a daemon that outlived its parent). After this,
	 * {@code start()} is refused. Calling it again returns the same future.
	 * @return completes when every tree is gone and every result is recorded
	 */
	public CompletableFuture<Void> shutdown() {
		synchronized (this.lifecycleLock) {
			if (this.shutdown != null) {
				return this.shutdown;
			}
			this.closed = true;
			// wait for the starts already past the gate to register; later ones fail
			// without spawning
			this.startGate.writeLock().lock();
			List<DefaultManagedProcess> live;
			try {
				live = new ArrayList<>(this.registry.live());
			}
			finally {
				this.startGate.writeLock().unlock();
			}
			// record every stop before any signal goes out, so none can end as EXITED in
			// between
			CompletableFuture<Void> leftoverStop = new CompletableFuture<>();
			List<CompletableFuture<?>> all = new ArrayList<>();
			all.add(leftoverStop);
			List<DefaultManagedProcess> toSignal = new ArrayList<>();
			List<CompletableFuture<Void>> pendings = new ArrayList<>();
			Duration longestGrace = null;
			// the trees stopped by a stop of their own (their own signal and grace), not
			// by the leftover stop
			java.util.Set<String> ownStops = new java.util.HashSet<>();
			for (DefaultManagedProcess process : live) {
				CompletableFuture<Void> pending = process.recordStop(ProcessOutcome.STOPPED, process.gracePeriod());
				if (pending != null) {
					toSignal.add(process);
					pendings.add(pending);
				}
				if (pending != null || process.state() == ProcessState.STOPPING) {
					ownStops.add(process.treeId());
				}
				process.waitAlsoFor(leftoverStop);
				all.add(process.internalResult());
				if (longestGrace == null || process.gracePeriod().compareTo(longestGrace) > 0) {
					longestGrace = process.gracePeriod();
				}
			}
			// each tree with its own grace period; a leftover of the factory (a daemon
			// that outlived its
			// process) with the longest grace of the live trees, or the default when none
			// is live
			this.shutdownGrace = (longestGrace != null) ? longestGrace : this.settings.gracePeriod();
			DefaultManagedProcess.signalStops(this.treeStopper, toSignal, pendings, DefaultManagedProcess::gracePeriod);
			String prefix = this.factoryId + "-";
			Duration leftoverGrace = this.shutdownGrace;
			TreeStopper.Tree leftovers = new TreeStopper.Tree(null,
					(marker) -> marker.startsWith(prefix) && !ownStops.contains(marker));
			this.treeStopper.stop(List.of(leftovers), (tree) -> leftoverGrace)
				.whenComplete((ignored, ex) -> leftoverStop.complete(null));
			CompletableFuture<Void> done = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
			// the scheduler and the stop loop live until every tree is gone and every
			// result is recorded
			done.whenComplete((ignored, ex) -> this.scheduler.shutdown());
			this.shutdown = done;
			return this.shutdown;
		}
	}

	/**
	 * Shuts down (see {@link #shutdown()}) and waits for it: about the longest grace
	 * period of the live trees, and at most that plus the kill phase. The factory's
	 * scheduler ends once the shutdown has completed; the default callback pool is shut
	 * down after it (callbacks already handed over still run).
	 */
	@Override
	public void close() {
		try {
			CompletableFuture<Void> done = shutdown();
			long nanos = Require.saturatedAdd(Require.saturatedNanos(this.shutdownGrace),
					KILL_PHASE_AND_MARGIN.toNanos());
			if (nanos >= Long.MAX_VALUE / 2) {
				// a grace period of centuries: wait as asked (a deadline this far would
				// overflow)
				done.get();
			}
			else {
				done.get(nanos, TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Shutdown of managed processes did not complete", ex);
		}
		finally {
			closeIoLoop();
			if (this.ownedCallbackPool != null) {
				// callbacks already handed over still run (later ones on threads of their
				// own); idle threads end
				this.ownedCallbackPool.shutdown();
			}
		}
	}

	private void closeIoLoop() {
		IoLoop loop;
		synchronized (this) {
			loop = this.ioLoop;
			this.ioLoopClosed = true;
		}
		if (loop != null) {
			loop.close();
		}
	}

	/**
	 * Tells whether {@link #shutdown()} was called.
	 * @return {@code true} once shut down
	 */
	public boolean isShutdown() {
		return this.closed;
	}

	/**
	 * Where user code runs: completions of user-visible futures, listener calls, line
	 * callbacks.
	 * @return the callback executor
	 */
	Executor callbackExecutor() {
		return this.callbackExecutor;
	}

	ProcessInterceptors interceptors() {
		return this.interceptors;
	}

	/**
	 * The one I/O thread of this factory for captured output on Linux, started on first
	 * use.
	 */
	IoLoop ioLoop() {
		IoLoop loop = this.ioLoop;
		if (loop == null) {
			synchronized (this) {
				loop = this.ioLoop;
				if (loop == null) {
					try {
						loop = new IoLoop("managed-processes-io", this.callbackExecutor);
					}
					catch (IOException ex) {
						throw new UncheckedIOException("Cannot start the I/O loop", ex);
					}
					if (this.ioLoopClosed) {
						// asked for after close() (a run() interrupted then hands its
						// pipes over): a closed loop, which closes what it is given and
						// reports it, rather than a thread nobody would end
						loop.close();
					}
					this.ioLoop = loop;
				}
			}
		}
		return loop;
	}

	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	TreeStopper treeStopper() {
		return this.treeStopper;
	}

	List<DefaultManagedProcess> liveProcesses() {
		return new ArrayList<>(this.registry.live());
	}

	ProcessResult run(ProcessSpec spec) throws InterruptedException {
		return start(spec, true).runInCallingThread();
	}

	/**
	 * Starts a process: checks, takes a permit, launches, then publishes the fully wired
	 * process (listeners hear {@code started} before anything can finish it, the registry
	 * shows it, and only then is it watched and its timeout armed).
	 */
	DefaultManagedProcess start(ProcessSpec spec, boolean inCallingThread) {
		if (this.closed) {
			throw shutDown(spec.command());
		}
		this.preconditions.check(spec);
		acquirePermit(spec.command());
		boolean registered = false;
		this.startGate.readLock().lock();
		try {
			if (this.closed) {
				// the shutdown began while this start waited for a slot: it never spawns
				throw shutDown(spec.command());
			}
			String treeId = this.factoryId + "-" + this.sequence.incrementAndGet();
			DefaultManagedProcess managed;
			try {
				managed = this.launcher.launch(spec, treeId);
			}
			catch (ProcessStartException | IllegalArgumentException ex) {
				throw ex;
			}
			catch (RuntimeException | Error ex) {
				throw new ProcessStartException(spec.command(), "unexpected failure: " + ex.getClass().getName(), ex);
			}
			// started is delivered first, finished only after it; both on the callback
			// executor
			managed.deliverStarted(this.listeners);
			this.registry.add(managed);
			registered = true;
			if (!inCallingThread) {
				managed.watchInBackground();
			}
			// still inside the gate: the shutdown's scheduler is alive until this process
			// has ended
			managed.scheduleTimeout(spec.timeout());
			return managed;
		}
		finally {
			this.startGate.readLock().unlock();
			if (!registered) {
				this.permits.release();
			}
		}
	}

	private static ProcessStartException shutDown(List<String> command) {
		return new ProcessStartException(command, "the process factory is shut down", null);
	}

	void finished(DefaultManagedProcess process, ProcessResult result) {
		this.interceptors.finished(process, result);
		this.registry.finished(process, result);
		this.permits.release();
		process.deliverFinished(this.listeners, result);
	}

	/**
	 * Takes a slot, waiting up to the start wait; gives up as soon as the factory is shut
	 * down, so a start that waited never spawns after the shutdown's snapshot.
	 */
	private void acquirePermit(List<String> command) {
		long wait = Require.saturatedNanos(this.settings.startWait());
		long deadline = System.nanoTime() + wait;
		try {
			while (true) {
				if (this.closed) {
					throw shutDown(command);
				}
				long left = deadline - System.nanoTime();
				long slice = Math.min(Math.max(left, 0), PERMIT_SLICE_NANOS);
				if (this.permits.tryAcquire(slice, TimeUnit.NANOSECONDS)) {
					if (this.closed) {
						this.permits.release();
						throw shutDown(command);
					}
					return;
				}
				if (deadline - System.nanoTime() <= 0) {
					throw new ProcessStartException(command, "the limit of " + this.settings.maxConcurrent()
							+ " concurrent processes stayed reached for " + this.settings.startWait(), null);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ProcessStartException(command, "interrupted while waiting for a free process slot", ex);
		}
	}

	/**
	 * How often a start waiting for a slot checks whether the factory was shut down
	 * meanwhile.
	 */
	private static final long PERMIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	/**
	 * The settings of a factory.
	 *
	 * @param defaultTimeout the timeout of processes that set none, or empty for none
	 * @param gracePeriod how long a tree may take after {@code SIGTERM}
	 * @param captureLimit the default capture limit per stream, in bytes
	 * @param historySize how many finished results are kept
	 * @param maxConcurrent how many processes may run at once
	 * @param startWait how long {@code start()} waits for a free slot when at the limit
	 */
	public record Settings(Optional<Duration> defaultTimeout, Duration gracePeriod, int captureLimit, int historySize,
			int maxConcurrent, Duration startWait) {
	}

	/**
	 * Builds a {@link ManagedProcessFactory}.
	 */
	public static final class Builder {

		private OperatingSystem os = OperatingSystem.current();

		private Duration defaultTimeout;

		private Duration gracePeriod = Duration.ofSeconds(5);

		private int captureLimit = 1024 * 1024;

		private int historySize = 100;

		private int maxConcurrent = 1024;

		private Duration startWait = Duration.ofSeconds(10);

		private final List<ProcessListener> listeners = new ArrayList<>();

		private Executor callbackExecutor;

		private final List<ProcessInterceptor> interceptors = new ArrayList<>();

		private Builder() {
		}

		/**
		 * The operating system layer (detected by default).
		 * @param os the operating system
		 * @return this builder
		 */
		public Builder operatingSystem(OperatingSystem os) {
			this.os = Objects.requireNonNull(os, "operating system must not be null");
			return this;
		}

		/**
		 * A timeout for every process that sets none (none by default).
		 * @param timeout a positive duration of at most {@code Long.MAX_VALUE}
		 * nanoseconds, or {@code null} for none
		 * @return this builder
		 */
		public Builder defaultTimeout(Duration timeout) {
			this.defaultTimeout = (timeout != null) ? Require.schedulable(timeout, "defaultTimeout") : null;
			return this;
		}

		/**
		 * How long a tree may take after {@code SIGTERM} before {@code SIGKILL} (5 s by
		 * default).
		 * @param gracePeriod a positive duration of at most {@code Long.MAX_VALUE}
		 * nanoseconds
		 * @return this builder
		 */
		public Builder gracePeriod(Duration gracePeriod) {
			this.gracePeriod = Require.schedulable(gracePeriod, "gracePeriod");
			return this;
		}

		/**
		 * The capture limit per stream for processes that set none (1 MiB by default).
		 * @param bytes 0 or more
		 * @return this builder
		 */
		public Builder captureLimit(int bytes) {
			this.captureLimit = Require.notNegative(bytes, "captureLimit");
			return this;
		}

		/**
		 * How many finished results to keep (100 by default).
		 * @param size 0 or more
		 * @return this builder
		 */
		public Builder historySize(int size) {
			this.historySize = Require.notNegative(size, "historySize");
			return this;
		}

		/**
		 * How many processes may run at once (1024 by default); over it {@code start()}
		 * waits up to {@link #startWait(Duration)}, then throws
		 * {@link ProcessStartException}.
		 * @param max 1 or more
		 * @return this builder
		 */
		public Builder maxConcurrent(int max) {
			this.maxConcurrent = Require.atLeast(max, 1, "maxConcurrent");
			return this;
		}

		/**
		 * How long {@code start()} waits for a free slot at the concurrency limit (10 s
		 * by default).
		 * @param wait zero or more, at most {@code Long.MAX_VALUE} nanoseconds
		 * @return this builder
		 */
		public Builder startWait(Duration wait) {
			this.startWait = Require.schedulableOrZero(wait, "startWait");
			return this;
		}

		/**
		 * Adds a listener.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(ProcessListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
			return this;
		}

		/**
		 * Where user code runs: the futures returned by {@code onExit()}, {@code stop()}
		 * and {@code kill()} complete there, listeners are called there and line
		 * callbacks run there, never on the factory's own threads (scheduler, stop loop,
		 * I/O), so a slow callback cannot delay a timeout or a {@code SIGKILL}. By
		 * default a cached pool of daemon threads named {@code process-callback-N}, shut
		 * down with the factory; an executor given here is not shut down by the factory.
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder callbackExecutor(Executor executor) {
			this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor must not be null");
			return this;
		}

		/**
		 * Adds an interceptor, which sees every process from just before its spawn to its
		 * end and may add environment variables for the child (observations and trace
		 * propagation use this). Interceptors are called in the order they were added;
		 * see {@link ProcessInterceptor} for their threads.
		 * @param interceptor the interceptor
		 * @return this builder
		 */
		public Builder interceptor(ProcessInterceptor interceptor) {
			this.interceptors.add(Objects.requireNonNull(interceptor, "interceptor must not be null"));
			return this;
		}

		/**
		 * Builds the factory.
		 * @return the factory
		 */
		public ManagedProcessFactory build() {
			return new ManagedProcessFactory(this);
		}

	}

}
