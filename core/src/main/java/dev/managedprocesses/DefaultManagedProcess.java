package dev.managedprocesses;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import dev.managedprocesses.internal.FailureRecorder;
import dev.managedprocesses.internal.StreamSink;
import dev.managedprocesses.internal.TreeStopper;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;

/**
 * A running process and its bookkeeping: state, timeout, output, and the stop of its tree.
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

	/** Created on first use: reading the start time costs a /proc read that most processes never need. */
	private volatile TreeStopper.Tree tree;

	private final AtomicReference<ProcessState> state = new AtomicReference<>(ProcessState.RUNNING);

	private volatile ProcessOutcome requestedOutcome;

	/** Completes when every stop of the tree asked so far has ended. */
	private volatile CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);

	private final CompletableFuture<Void> exitedAndDrained = new CompletableFuture<>();

	private final CompletableFuture<ProcessResult> result = new CompletableFuture<>();

	private volatile ScheduledFuture<?> timeoutTask;

	private final java.util.concurrent.atomic.AtomicBoolean exitNoticed = new java.util.concurrent.atomic.AtomicBoolean();

	/** Follows the exit and drains the captured streams: the engine on Linux, the pump elsewhere. */
	private final ProcessWatch watch;

	DefaultManagedProcess(ManagedProcessFactory factory, Process process, String name,
			List<String> command, String treeId, Instant startedAt, Duration gracePeriod, StreamSink stdout,
			StreamSink stderr, FailureRecorder failures, java.nio.charset.Charset charset, ProcessWatch watch) {
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
		// made by the launcher, so the process is fully wired before anyone can see it; started only here
		this.watch = watch;
	}

	void scheduleTimeout(Optional<Duration> timeout) {
		timeout.ifPresent((limit) -> this.timeoutTask = this.factory.scheduler()
			.schedule(() -> stopTree(ProcessOutcome.TIMED_OUT, this.gracePeriod), limit.toNanos(),
					TimeUnit.NANOSECONDS));
	}

	/** Watches the process in the background: the factory's I/O loop, an output thread, or the JDK's exit. */
	void watchInBackground() {
		this.watch.inBackground(this::exitedAndDrained);
	}

	/**
	 * Waits for the result in the calling thread, which also drains the output: no thread is started
	 * unless the caller is interrupted, in which case watching moves to the background before
	 * {@link InterruptedException} is thrown, so the process stays drained and tracked.
	 */
	ProcessResult runInCallingThread() throws InterruptedException {
		if (!this.watch.inCallingThread(this::exitedAndDrained)) {
			throw new InterruptedException("Interrupted while waiting for pid " + pid() + "; it keeps running, tracked");
		}
		return await();
	}

	/** Called once the process has exited and its output pump (if any) has finished; idempotent. */
	void exitedAndDrained() {
		if (this.exitNoticed.compareAndSet(false, true)) {
			this.exitedAndDrained.complete(null);
			this.exitedAndDrained.thenCompose((ignored) -> this.stopped).whenComplete((ignored, ex) -> finish());
		}
	}

	private void finish() {
		ScheduledFuture<?> timeout = this.timeoutTask;
		if (timeout != null) {
			timeout.cancel(false);
		}
		ProcessOutcome outcome = (this.requestedOutcome != null) ? this.requestedOutcome : ProcessOutcome.EXITED;
		int exitCode = exitCode();
		String out = (this.stdout != null) ? this.stdout.capture().text(this.charset) : "";
		String err = (this.stderr != null) ? this.stderr.capture().text(this.charset) : "";
		boolean truncated = (this.stdout != null && this.stdout.capture().truncated())
				|| (this.stderr != null && this.stderr.capture().truncated());
		TreeStopper.Tree stoppedTree = this.tree;
		ProcessResult processResult = new ProcessResult(this.pid, this.name, this.command, outcome, exitCode,
				stoppedTree != null && stoppedTree.killed(), out, err, truncated, this.startedAt, Instant.now(), this.failures.first());
		processResult = this.resourceSamples.addTo(processResult);
		this.state.set(outcome.toState());
		this.factory.finished(this, processResult);
		this.result.complete(processResult);
	}

	private int exitCode() {
		try {
			return this.process.exitValue();
		}
		catch (IllegalThreadStateException ex) {
			// cannot happen after exit; keep the result honest rather than throw from a completion
			return -1;
		}
	}

	CompletableFuture<ProcessResult> stopTree(ProcessOutcome outcome, Duration grace) {
		while (true) {
			ProcessState current = this.state.get();
			if (current.isFinished()) {
				return this.result;
			}
			if (current == ProcessState.RUNNING) {
				if (!this.state.compareAndSet(current, ProcessState.STOPPING)) {
					continue;
				}
				this.requestedOutcome = outcome;
			}
			else if (!grace.isZero()) {
				// already stopping: a second graceful stop adds nothing
				return this.result;
			}
			break;
		}
		CompletableFuture<Void> stop = this.factory.treeStopper().stop(List.of(tree()), grace);
		synchronized (this) {
			this.stopped = CompletableFuture.allOf(this.stopped, stop);
		}
		return this.result;
	}

	/**
	 * The tree, created on first use. The root's start time can be read then without risk: the JDK reaps its
	 * child only after exit, so while {@link Process#isAlive()} the pid cannot have been reused. A root that has
	 * already exited gets an impossible start time, so no signal can reach a process that reused its pid.
	 */
	TreeStopper.Tree tree() {
		TreeStopper.Tree current = this.tree;
		if (current == null) {
			synchronized (this) {
				current = this.tree;
				if (current == null) {
					long startTime = this.factory.operatingSystem().process(this.pid).map(ProcessInfo::startTime).orElse(-1L);
					if (!this.process.isAlive()) {
						// reaped before or while we read: what we read may be another process's
						startTime = -1;
					}
					current = new TreeStopper.Tree(new ProcessId(this.pid, startTime), this.treeId::equals);
					this.tree = current;
				}
			}
		}
		return current;
	}

	/** For shutdown: marks the process as being stopped, answering whether it still was running. */
	boolean markStopping(CompletableFuture<Void> stop) {
		if (this.state.compareAndSet(ProcessState.RUNNING, ProcessState.STOPPING)) {
			this.requestedOutcome = ProcessOutcome.STOPPED;
		}
		if (this.state.get().isFinished()) {
			return false;
		}
		synchronized (this) {
			this.stopped = CompletableFuture.allOf(this.stopped, stop);
		}
		return true;
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
		// a copy, so a caller completing or cancelling it cannot disturb the process's own future
		return this.result.thenApply((r) -> r);
	}

	@Override
	public ProcessResult await() throws InterruptedException {
		if (!this.watch.readsOutput() && !this.exitNoticed.get()) {
			// no output to drain: learn of the exit here instead of after the JDK's asynchronous notification
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
		try {
			return Optional.of(this.result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
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
		return stopTree(ProcessOutcome.STOPPED, this.gracePeriod).thenApply((r) -> r);
	}

	@Override
	public CompletableFuture<ProcessResult> kill() {
		return stopTree(ProcessOutcome.STOPPED, Duration.ZERO).thenApply((r) -> r);
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
