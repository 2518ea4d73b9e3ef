package dev.managedprocesses;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import dev.managedprocesses.internal.FailureRecorder;
import dev.managedprocesses.internal.Listeners;
import dev.managedprocesses.internal.Require;
import dev.managedprocesses.internal.StreamSink;
import dev.managedprocesses.internal.TreeStopper;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;
import dev.managedprocesses.os.Signal;

/**
 * A running process and its bookkeeping: state, timeout, output, and the stop of its
 * tree.
 */
final class DefaultManagedProcess implements ManagedProcess {

	private final ManagedProcessFactory factory;

	final ResourceSamples resourceSamples = new ResourceSamples();

	private final Process process;

	private final long pid;

	private final String name;

	private final List<String> command;

	private final String treeId;

	private final Instant startedAt;

	private final Duration gracePeriod;

	private final StreamSink stdout;

	private final StreamSink stderr;

	private final FailureRecorder failures;

	private final java.nio.charset.Charset charset;

	private final Signal stopSignal;

	/**
	 * Guards the stops the result waits for ({@link #stopped}, {@link #sealed}). Private,
	 * never the process object itself: a user may hold that one's monitor.
	 */
	private final Object stopLock = new Object();

	/**
	 * Created on first use: reading the start time costs a /proc read that most processes
	 * never need.
	 */
	private volatile TreeStopper.Tree tree;

	private final AtomicReference<ProcessState> state = new AtomicReference<>(ProcessState.RUNNING);

	private volatile ProcessOutcome requestedOutcome;

	/**
	 * Completes when every stop of the tree asked so far has ended. A stop is added here
	 * before its first signal goes out, so the result can never be built while a stop of
	 * the tree is still running.
	 */
	private CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);

	/**
	 * Set once the result is being built: a stop asked after that cannot delay it any
	 * more.
	 */
	private boolean sealed;

	/**
	 * Completes once {@code started} was delivered to the listeners, so {@code finished}
	 * always comes after.
	 */
	private volatile CompletableFuture<Void> startedDelivered = CompletableFuture.completedFuture(null);

	private final CompletableFuture<Void> exitedAndDrained = new CompletableFuture<>();

	/**
	 * The result, completed on the starter's own threads (pump, JDK exit notification,
	 * stop loop); never handed out: users get copies completed on the callback executor
	 * ({@link #userCopy()}).
	 */
	private final CompletableFuture<ProcessResult> result = new CompletableFuture<>();

	private volatile ScheduledFuture<?> timeoutTask;

	/**
	 * Waits this long or longer mean "forever" in {@link #await(Duration)} (about 146
	 * years).
	 */
	private static final long FOREVER_NANOS = Long.MAX_VALUE / 2;

	private final java.util.concurrent.atomic.AtomicBoolean exitNoticed = new java.util.concurrent.atomic.AtomicBoolean();

	/**
	 * Follows the exit and drains the captured streams: the engine on Linux, the pump
	 * elsewhere.
	 */
	private final ProcessWatch watch;

	DefaultManagedProcess(ManagedProcessFactory factory, Process process, String name, List<String> command,
			String treeId, Instant startedAt, Duration gracePeriod, StreamSink stdout, StreamSink stderr,
			FailureRecorder failures, java.nio.charset.Charset charset, Signal stopSignal, ProcessWatch watch) {
		this.factory = factory;
		this.process = process;
		this.pid = process.pid();
		this.name = name;
		this.command = command;
		this.treeId = treeId;
		this.startedAt = startedAt;
		this.gracePeriod = gracePeriod;
		this.stdout = stdout;
		this.stderr = stderr;
		this.failures = failures;
		this.charset = charset;
		this.stopSignal = stopSignal;
		// made by the launcher, so the process is fully wired before anyone can see it;
		// started only here
		this.watch = watch;
	}

	void scheduleTimeout(Optional<Duration> timeout) {
		// the builders only accept durations that fit in nanoseconds, so toNanos() cannot
		// overflow here
		timeout.ifPresent((limit) -> this.timeoutTask = this.factory.scheduler()
			.schedule(() -> stopTree(ProcessOutcome.TIMED_OUT, this.gracePeriod), limit.toNanos(),
					TimeUnit.NANOSECONDS));
	}

	/**
	 * Tells the listeners that the process started, on the callback executor;
	 * {@code finished} is delivered only after this (see {@link #finish()}).
	 */
	void deliverStarted(Listeners<ProcessListener> listeners) {
		if (listeners.isEmpty()) {
			return;
		}
		this.startedDelivered = CompletableFuture.runAsync(() -> listeners.notify((listener) -> listener.started(this)),
				this.factory.callbackExecutor());
	}

	/**
	 * Tells the listeners that the process finished, after {@code started}, on the
	 * callback executor.
	 */
	void deliverFinished(Listeners<ProcessListener> listeners, ProcessResult processResult) {
		if (listeners.isEmpty()) {
			return;
		}
		this.startedDelivered.whenCompleteAsync(
				(ignored, ex) -> listeners.notify((listener) -> listener.finished(processResult)),
				this.factory.callbackExecutor());
	}

	/**
	 * Watches the process in the background: the factory's I/O loop, an output thread, or
	 * the JDK's exit.
	 */
	void watchInBackground() {
		this.watch.inBackground(this::exitedAndDrained);
	}

	/**
	 * Waits for the result in the calling thread, which also drains the output: no thread
	 * is started unless the caller is interrupted, in which case watching moves to the
	 * background before {@link InterruptedException} is thrown, so the process stays
	 * drained and tracked.
	 */
	ProcessResult runInCallingThread() throws InterruptedException {
		if (!this.watch.inCallingThread(this::exitedAndDrained)) {
			throw new InterruptedException(
					"Interrupted while waiting for pid " + pid() + "; it keeps running, tracked");
		}
		return await();
	}

	/**
	 * The one entry point of the output side: called once the process has exited (never
	 * before: a failure to drain is recorded, not an exit) and its output pump (if any)
	 * has finished; idempotent. The result is built once every stop of the tree recorded
	 * so far has ended.
	 */
	void exitedAndDrained() {
		if (this.exitNoticed.compareAndSet(false, true)) {
			this.exitedAndDrained.complete(null);
			finishAfterStops();
		}
	}

	/**
	 * Waits for the recorded stops; a stop recorded meanwhile is waited for too, then the
	 * result is sealed.
	 */
	private void finishAfterStops() {
		CompletableFuture<Void> pending;
		synchronized (this.stopLock) {
			pending = this.stopped;
		}
		pending.whenComplete((ignored, ex) -> {
			boolean more;
			synchronized (this.stopLock) {
				more = this.stopped != pending;
				this.sealed = !more;
			}
			if (more) {
				finishAfterStops();
			}
			else {
				finish();
			}
		});
	}

	/** Builds and publishes the result; never throws, so the result can never be lost. */
	private void finish() {
		ScheduledFuture<?> timeout = this.timeoutTask;
		if (timeout != null) {
			timeout.cancel(false);
		}
		ProcessOutcome outcome = (this.requestedOutcome != null) ? this.requestedOutcome : ProcessOutcome.EXITED;
		TreeStopper.Tree stoppedTree = this.tree;
		boolean killed = stoppedTree != null && stoppedTree.killed();
		ProcessResult processResult;
		try {
			int exitCode = exitCode();
			String out = (this.stdout != null) ? this.stdout.capture().text(this.charset) : "";
			String err = (this.stderr != null) ? this.stderr.capture().text(this.charset) : "";
			boolean truncated = (this.stdout != null && this.stdout.capture().truncated())
					|| (this.stderr != null && this.stderr.capture().truncated());
			processResult = new ProcessResult(this.pid, this.name, this.command, outcome, exitCode, killed, out, err,
					truncated, this.startedAt, Instant.now(), this.failures.first());
			processResult = this.resourceSamples.addTo(processResult);
		}
		catch (Throwable ex) {
			// e.g. OutOfMemoryError building a huge captured text: the result comes
			// anyway, without output
			this.failures.record(ex);
			processResult = new ProcessResult(this.pid, this.name, this.command, outcome, exitCodeOrMinusOne(), killed,
					"", "", true, this.startedAt, Instant.now(), this.failures.first());
		}
		this.state.set(outcome.toState());
		try {
			this.factory.finished(this, processResult);
		}
		finally {
			this.result.complete(processResult);
		}
	}

	/**
	 * The real exit code: the result is built only after the exit, so this never waits
	 * long.
	 */
	private int exitCode() {
		java.util.OptionalInt known = this.watch.exitCode();
		if (known.isPresent()) {
			return known.getAsInt();
		}
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return this.process.waitFor();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private int exitCodeOrMinusOne() {
		try {
			return this.process.exitValue();
		}
		catch (IllegalThreadStateException ex) {
			return -1;
		}
	}

	CompletableFuture<ProcessResult> stopTree(ProcessOutcome outcome, Duration grace) {
		CompletableFuture<Void> pending = recordStop(outcome, grace);
		if (pending != null) {
			signalStop(pending, grace);
		}
		return this.result;
	}

	/**
	 * Records a stop before any signal goes out: moves RUNNING to STOPPING with the
	 * outcome, and adds the stop to those the result waits for.
	 * @return the stop to start with {@link #signalStop}, or {@code null} when there is
	 * nothing to do (the process has ended or its result is being built, or it is already
	 * being stopped gracefully and this stop is graceful too)
	 */
	CompletableFuture<Void> recordStop(ProcessOutcome outcome, Duration grace) {
		synchronized (this.stopLock) {
			if (this.sealed || this.state.get().isFinished()) {
				return null;
			}
			if (this.state.compareAndSet(ProcessState.RUNNING, ProcessState.STOPPING)) {
				this.requestedOutcome = outcome;
			}
			else if (!grace.isZero()) {
				// already stopping: a second graceful stop adds nothing
				return null;
			}
			CompletableFuture<Void> pending = new CompletableFuture<>();
			this.stopped = CompletableFuture.allOf(this.stopped, pending);
			return pending;
		}
	}

	/**
	 * Starts a stop recorded by {@link #recordStop}; {@code pending} completes when the
	 * tree is gone.
	 */
	void signalStop(CompletableFuture<Void> pending, Duration grace) {
		signalStops(this.factory.treeStopper(), List.of(this), List.of(pending), (process) -> grace);
	}

	/**
	 * Starts stops recorded by {@link #recordStop}, all in one call of the tree stopper
	 * (a shutdown: every tree is signalled before the stop loop's first step).
	 * @param stopper the tree stopper
	 * @param processes the processes
	 * @param pendings the recorded stop of each, completed when its tree is gone
	 * @param graces the grace period of each
	 */
	static void signalStops(TreeStopper stopper, List<DefaultManagedProcess> processes,
			List<CompletableFuture<Void>> pendings,
			java.util.function.Function<DefaultManagedProcess, Duration> graces) {
		try {
			java.util.Map<TreeStopper.Tree, Duration> trees = new java.util.LinkedHashMap<>();
			for (DefaultManagedProcess process : processes) {
				trees.put(process.tree(), graces.apply(process));
			}
			List<CompletableFuture<Void>> gone = stopper.stopEach(trees.keySet(), trees::get);
			for (int i = 0; i < pendings.size(); i++) {
				CompletableFuture<Void> pending = pendings.get(i);
				gone.get(i).whenComplete((ignored, ex) -> pending.complete(null));
			}
		}
		catch (Throwable ex) {
			// never leave a result waiting for a stop that did not start
			pendings.forEach((pending) -> pending.complete(null));
			throw ex;
		}
	}

	/**
	 * The result as the starter's threads complete it: for the factory's own waits only,
	 * never for users.
	 */
	CompletableFuture<ProcessResult> internalResult() {
		return this.result;
	}

	/** The process's own grace period. */
	Duration gracePeriod() {
		return this.gracePeriod;
	}

	/**
	 * A copy of the result completed on the callback executor: user stages never run on
	 * the starter's threads, and each copy is completed by its own task, so one slow
	 * stage does not hold back another.
	 */
	private CompletableFuture<ProcessResult> userCopy() {
		CompletableFuture<ProcessResult> copy = new CompletableFuture<>();
		this.result.whenCompleteAsync((processResult, ex) -> {
			if (ex != null) {
				copy.completeExceptionally(ex);
			}
			else {
				copy.complete(processResult);
			}
		}, this.factory.callbackExecutor());
		return copy;
	}

	/**
	 * The tree, created on first use. The root's start time can be read then without
	 * risk: the JDK reaps its child only after exit, so while {@link Process#isAlive()}
	 * the pid cannot have been reused. A root that has already exited gets an impossible
	 * start time, so no signal can reach a process that reused its pid.
	 */
	TreeStopper.Tree tree() {
		TreeStopper.Tree current = this.tree;
		if (current == null) {
			synchronized (this.stopLock) {
				current = this.tree;
				if (current == null) {
					long startTime = this.factory.operatingSystem()
						.process(this.pid)
						.map(ProcessInfo::startTime)
						.orElse(-1L);
					if (!this.process.isAlive()) {
						// reaped before or while we read: what we read may be another
						// process's
						startTime = -1;
					}
					current = TreeStopper.Tree.marked(new ProcessId(this.pid, startTime), this.treeId, this.stopSignal);
					this.tree = current;
				}
			}
		}
		return current;
	}

	/**
	 * For shutdown: records that the result also waits for the leftover stop of the
	 * factory (every process carrying one of its markers), so that a process ending
	 * meanwhile still reports its tree gone.
	 */
	void waitAlsoFor(CompletableFuture<Void> stop) {
		synchronized (this.stopLock) {
			if (!this.sealed) {
				this.stopped = CompletableFuture.allOf(this.stopped, stop);
			}
		}
	}

	@Override
	public long pid() {
		return this.pid;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public List<String> command() {
		return this.command;
	}

	@Override
	public Instant startedAt() {
		return this.startedAt;
	}

	@Override
	public ProcessState state() {
		return this.state.get();
	}

	@Override
	public CompletableFuture<ProcessResult> onExit() {
		// a copy, so a caller completing or cancelling it cannot disturb the process's
		// own future
		return userCopy();
	}

	@Override
	public ProcessResult await() throws InterruptedException {
		if (!this.watch.readsOutput() && !this.exitNoticed.get()) {
			// no output to drain: learn of the exit here instead of after the JDK's
			// asynchronous notification
			this.process.waitFor();
			exitedAndDrained();
		}
		try {
			return this.result.get();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Result of pid " + pid() + " failed", ex.getCause());
		}
	}

	@Override
	public Optional<ProcessResult> await(Duration timeout) throws InterruptedException {
		Objects.requireNonNull(timeout, "timeout must not be null");
		long nanos = Require.saturatedNanos(timeout);
		if (nanos >= FOREVER_NANOS) {
			// a deadline this far away would overflow System.nanoTime() arithmetic: it
			// means "no limit"
			return Optional.of(await());
		}
		try {
			return Optional.of(this.result.get(nanos, TimeUnit.NANOSECONDS));
		}
		catch (TimeoutException ex) {
			return Optional.empty();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Result of pid " + pid() + " failed", ex.getCause());
		}
	}

	@Override
	public CompletableFuture<ProcessResult> stop() {
		stopTree(ProcessOutcome.STOPPED, this.gracePeriod);
		return userCopy();
	}

	@Override
	public CompletableFuture<ProcessResult> kill() {
		stopTree(ProcessOutcome.STOPPED, Duration.ZERO);
		return userCopy();
	}

	@Override
	public CompletableFuture<Void> stopDescendants() {
		CompletableFuture<Void> done = new CompletableFuture<>();
		// the root is spared: until the JDK has reaped it, its pid is still its own, and
		// it is not a descendant
		TreeStopper.Tree leftovers = TreeStopper.Tree.leftoversOf(this.treeId, this.stopSignal, this.pid);
		this.factory.treeStopper()
			.stop(List.of(leftovers), (ignored) -> this.gracePeriod)
			.whenCompleteAsync((ignored, ex) -> done.complete(null), this.factory.callbackExecutor());
		return done;
	}

	@Override
	public List<ProcessSnapshot> descendants() {
		if (this.state.get().isFinished()) {
			return List.of();
		}
		OperatingSystem os = this.factory.operatingSystem();
		ProcessTable table = ProcessTable.read(os);
		TreeStopper.Tree processTree = tree();
		return this.factory.treeStopper()
			.members(List.of(processTree), table)
			.getOrDefault(processTree, List.of())
			.stream()
			.map((info) -> ProcessSnapshot.of(info, os))
			.toList();
	}

	@Override
	public String treeId() {
		return this.treeId;
	}

	@Override
	public String outputTail(int maxChars) {
		Require.notNegative(maxChars, "maxChars");
		StringBuilder tail = new StringBuilder();
		if (this.stdout != null) {
			tail.append(this.stdout.capture().tail(this.charset, maxChars));
		}
		if (this.stderr != null) {
			tail.append(this.stderr.capture().tail(this.charset, maxChars));
		}
		return tail.toString();
	}

	@Override
	public String toString() {
		return "ManagedProcess[pid=" + pid() + ", name=" + this.name + ", state=" + state() + "]";
	}

}
