package dev.managedprocesses;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.managedprocesses.internal.FailureRecorder;
import dev.managedprocesses.internal.Require;
import dev.managedprocesses.internal.OutputPump;
import dev.managedprocesses.internal.StreamSink;
import dev.managedprocesses.internal.TreeStopper;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and tracks managed processes: the entry point of the starter. In a Spring Boot application it is
 * a bean; without Spring, build one with {@link #builder()} and {@link #close()} it when done.
 *
 * <pre class="code">
 * ProcessResult r = factory.command("git", "status").timeout(Duration.ofSeconds(10)).run();
 * ManagedProcess p = factory.command("ffmpeg", "-i", in, out).name("thumbnail").start();
 * </pre>
 *
 * <h2>How whole trees are stopped</h2> Every process started here gets the environment variable
 * {@value #TREE_VARIABLE} with a value unique to it, which its descendants inherit. Stopping a tree (on
 * {@code stop()}, {@code kill()}, a timeout or {@link #shutdown()}) sends {@code SIGTERM} to the root, to
 * its descendants by parent links, to descendants seen earlier in the stop whose parent died, and to every
 * process carrying the tree's marker (which finds double-forked daemons wherever they were re-parented);
 * after the grace period whatever is still alive gets {@code SIGKILL}, repeatedly, until nothing is. Each
 * signal first checks the pid's start time, so a reused pid is never hit. With the child subreaper on (see
 * the reaper) orphans come back to this JVM, which keeps them visible and reaps them.
 */
public final class ManagedProcessFactory implements AutoCloseable {

	/** The environment variable that marks every member of a managed process tree. */
	public static final String TREE_VARIABLE = "MANAGED_PROCESS_TREE";

	private static final Logger logger = LoggerFactory.getLogger(ManagedProcessFactory.class);

	private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

	private final Settings settings;

	private final OperatingSystem os;

	private final ProcessRegistry registry;

	private final ScheduledThreadPoolExecutor scheduler;

	private final TreeStopper treeStopper;

	private final Semaphore permits;

	private final List<ProcessListener> listeners;

	private final String factoryId;

	private final AtomicLong sequence = new AtomicLong();

	private final Object lifecycleLock = new Object();

	private volatile boolean closed;

	private volatile CompletableFuture<Void> shutdown;

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
		this.scheduler.setKeepAliveTime(10, TimeUnit.SECONDS);
		this.scheduler.allowCoreThreadTimeOut(true);
		this.treeStopper = new TreeStopper(this.os, this.scheduler, TREE_VARIABLE);
		this.permits = new Semaphore(builder.maxConcurrent);
		this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
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
		return new ManagedProcessBuilder(this, java.util.Arrays.asList(command));
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
	 * One live managed process.
	 * @param pid its pid
	 * @return the process, or empty when no live managed process has this pid
	 */
	public Optional<ManagedProcess> find(long pid) {
		return this.registry.find(pid).map(ManagedProcess.class::cast);
	}

	/**
	 * Recent results of finished processes, newest first, bounded by the history size. Their output is
	 * trimmed to its last 4096 characters per stream.
	 * @return the history
	 */
	public List<ProcessResult> history() {
		return this.registry.history();
	}

	/**
	 * Tells whether a pid is a live process started by this factory (its exit status belongs to the JDK, so
	 * the reaper must never wait for it).
	 * @param pid the pid
	 * @return {@code true} for a live managed process
	 */
	public boolean isManaged(long pid) {
		return this.registry.contains(pid);
	}

	/**
	 * The live descendants of each live managed process, from one snapshot of the process table.
	 * @param table the snapshot
	 * @return the descendants per process
	 */
	public Map<ManagedProcess, List<ProcessInfo>> descendants(ProcessTable table) {
		List<DefaultManagedProcess> live = new ArrayList<>(this.registry.live());
		Map<TreeStopper.Tree, List<ProcessInfo>> members = this.treeStopper
			.members(live.stream().map(DefaultManagedProcess::tree).toList(), table);
		Map<ManagedProcess, List<ProcessInfo>> result = new HashMap<>();
		for (DefaultManagedProcess process : live) {
			result.put(process, members.getOrDefault(process.tree(), List.of()));
		}
		return result;
	}

	/**
	 * The settings this factory runs with.
	 * @return the settings
	 */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * The operating system layer this factory uses.
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
		this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Removes a listener.
	 * @param listener the listener
	 */
	public void removeListener(ProcessListener listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Stops every live managed tree, all in parallel: {@code SIGTERM}, the grace period, then {@code SIGKILL},
	 * and also any leftover process that still carries the marker of a process started here (a daemon that
	 * outlived its parent). After this, {@code start()} is refused. Calling it again returns the same future.
	 * @return completes when every tree is gone and every result is recorded
	 */
	public CompletableFuture<Void> shutdown() {
		synchronized (this.lifecycleLock) {
			if (this.shutdown != null) {
				return this.shutdown;
			}
			this.closed = true;
			List<DefaultManagedProcess> live = new ArrayList<>(this.registry.live());
			List<TreeStopper.Tree> trees = new ArrayList<>();
			live.forEach((process) -> trees.add(process.tree()));
			String prefix = this.factoryId + "-";
			trees.add(new TreeStopper.Tree(null, (marker) -> marker.startsWith(prefix)));
			// mark every process before any signal goes out, so none can end as EXITED in between
			CompletableFuture<Void> stop = new CompletableFuture<>();
			List<CompletableFuture<?>> all = new ArrayList<>();
			all.add(stop);
			for (DefaultManagedProcess process : live) {
				process.markStopping(stop);
				all.add(process.onExit());
			}
			this.treeStopper.stop(trees, this.settings.gracePeriod()).whenComplete((ignored, ex) -> stop.complete(null));
			this.shutdown = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
			return this.shutdown;
		}
	}

	/**
	 * Shuts down (see {@link #shutdown()}), waits for it, and ends the factory's scheduler thread.
	 */
	@Override
	public void close() {
		try {
			shutdown().get(this.settings.gracePeriod().toMillis() + 30_000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Shutdown of managed processes did not complete", ex);
		}
		finally {
			this.scheduler.shutdown();
		}
	}

	/**
	 * Tells whether {@link #shutdown()} was called.
	 * @return {@code true} once shut down
	 */
	public boolean isShutdown() {
		return this.closed;
	}

	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	TreeStopper treeStopper() {
		return this.treeStopper;
	}

	ProcessResult run(ManagedProcessBuilder spec) throws InterruptedException {
		return start(spec, true).runInCallingThread();
	}

	DefaultManagedProcess start(ManagedProcessBuilder spec, boolean inCallingThread) {
		List<String> command = spec.command;
		checkBeforeStart(spec);
		acquirePermit(command);
		Path inputTemp = null;
		boolean started = false;
		try {
			FailureRecorder failures = new FailureRecorder();
			StreamSink stdout = null;
			StreamSink stderr = null;
			ProcessBuilder pb = new ProcessBuilder(command);
			if (spec.directory != null) {
				pb.directory(spec.directory.toFile());
			}
			Map<String, String> environment = pb.environment();
			if (!spec.inheritEnvironment) {
				environment.clear();
			}
			environment.putAll(spec.environment);
			String treeId = this.factoryId + "-" + this.sequence.incrementAndGet();
			environment.put(TREE_VARIABLE, treeId);
			if (spec.inputFile != null) {
				pb.redirectInput(spec.inputFile.toFile());
			}
			else if (spec.inputBytes != null) {
				// a file, not a writer thread: no extra thread and no deadlock with a child that does not read
				inputTemp = Files.createTempFile("managed-process-input", ".bin");
				Files.write(inputTemp, spec.inputBytes);
				pb.redirectInput(inputTemp.toFile());
			}
			String outputLogger = "dev.managedprocesses.output." + spec.effectiveName();
			if (spec.discardOutput) {
				pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
				pb.redirectError(ProcessBuilder.Redirect.DISCARD);
			}
			if (spec.outputFile != null) {
				pb.redirectOutput(spec.outputFile.toFile());
			}
			else if (!spec.discardOutput) {
				stdout = new StreamSink(spec.captureLimit, spec.charset,
						lines(spec.outputLines, spec.logOutput ? LoggerFactory.getLogger(outputLogger)::info : null),
						failures);
			}
			if (spec.errorFile != null) {
				pb.redirectError(spec.errorFile.toFile());
			}
			else if (!spec.discardOutput) {
				stderr = new StreamSink(spec.captureLimit, spec.charset,
						lines(spec.errorLines, spec.logOutput ? LoggerFactory.getLogger(outputLogger)::warn : null),
						failures);
			}
			Instant startedAt = Instant.now();
			Process process;
			try {
				process = pb.start();
			}
			catch (IOException ex) {
				ProcessStartException failure = new ProcessStartException(command, ex.getMessage(), ex);
				notifyListeners((listener) -> listener.startFailed(command, failure));
				throw failure;
			}
			started = true;
			if (spec.inputFile == null && spec.inputBytes == null) {
				closeQuietly(process.getOutputStream());
			}
			DefaultManagedProcess managed = new DefaultManagedProcess(this, process, spec.effectiveName(), command,
					treeId, startedAt,
					spec.gracePeriod, stdout, stderr, failures, spec.charset);
			this.registry.add(managed);
			if (stdout != null || stderr != null) {
				managed.pump(new OutputPump(process, stdout, stderr, failures, managed::exitedAndDrained));
			}
			if (!inCallingThread) {
				managed.watchInBackground();
			}
			managed.scheduleTimeout(spec.timeout);
			notifyListeners((listener) -> listener.started(managed));
			if (this.closed) {
				// shutdown began while this one started: it must not escape the stop
				managed.stopTree(ProcessOutcome.STOPPED, Duration.ZERO);
			}
			return managed;
		}
		catch (IOException ex) {
			throw new ProcessStartException(command, "cannot prepare standard input: " + ex.getMessage(), ex);
		}
		finally {
			if (!started) {
				this.permits.release();
			}
			deleteQuietly(inputTemp);
		}
	}

	void finished(DefaultManagedProcess process, ProcessResult result) {
		this.registry.finished(process, result);
		this.permits.release();
		notifyListeners((listener) -> listener.finished(result));
	}

	private void checkBeforeStart(ManagedProcessBuilder spec) {
		List<String> command = spec.command;
		if (this.closed) {
			throw new ProcessStartException(command, "the process factory is shut down", null);
		}
		if (spec.directory != null && !Files.isDirectory(spec.directory)) {
			String problem = Files.exists(spec.directory) ? "is not a directory" : "does not exist";
			throw new ProcessStartException(command, "working directory " + spec.directory + " " + problem, null);
		}
		if (spec.inputFile != null && !Files.isReadable(spec.inputFile)) {
			throw new ProcessStartException(command, "input file " + spec.inputFile + " is not readable", null);
		}
		if ((spec.outputLines != null || spec.logOutput) && (spec.discardOutput || spec.outputFile != null)) {
			throw new ProcessStartException(command,
					"output line callbacks or logging need standard output piped, but it is discarded or redirected", null);
		}
		if ((spec.errorLines != null || spec.logOutput) && (spec.discardOutput || spec.errorFile != null)) {
			throw new ProcessStartException(command,
					"error line callbacks or logging need standard error piped, but it is discarded or redirected", null);
		}
		checkExecutable(spec);
	}

	/** Finds the executable as the JDK will (on this JVM's PATH), to fail with a clear message. */
	private void checkExecutable(ManagedProcessBuilder spec) {
		String executable = spec.command.get(0);
		if (WINDOWS) {
			return;
		}
		if (executable.indexOf('/') >= 0) {
			Path path = Path.of(executable);
			if (!path.isAbsolute() && spec.directory != null) {
				// the JDK changes to the child's directory before exec, so a relative path starts there
				path = spec.directory.resolve(path);
			}
			if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
				throw new ProcessStartException(spec.command, "executable " + executable
						+ (Files.exists(path) ? " is not an executable file" : " does not exist"), null);
			}
			return;
		}
		String pathVariable = Objects.requireNonNullElse(System.getenv("PATH"), "");
		for (String dir : pathVariable.split(File.pathSeparator)) {
			Path candidate = Path.of(dir.isEmpty() ? "." : dir, executable);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return;
			}
		}
		throw new ProcessStartException(spec.command,
				"executable '" + executable + "' not found on PATH (" + pathVariable + ")", null);
	}

	private void acquirePermit(List<String> command) {
		try {
			if (!this.permits.tryAcquire(this.settings.startWait().toNanos(), TimeUnit.NANOSECONDS)) {
				throw new ProcessStartException(command, "the limit of " + this.settings.maxConcurrent()
						+ " concurrent processes stayed reached for " + this.settings.startWait(), null);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ProcessStartException(command, "interrupted while waiting for a free process slot", ex);
		}
	}

	private static Consumer<String> lines(Consumer<String> callback, Consumer<String> log) {
		if (callback == null) {
			return log;
		}
		if (log == null) {
			return callback;
		}
		return (line) -> {
			log.accept(line);
			callback.accept(line);
		};
	}

	private void notifyListeners(Consumer<ProcessListener> event) {
		for (ProcessListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Process listener {} failed", listener, ex);
			}
		}
	}

	private static void closeQuietly(java.io.OutputStream out) {
		try {
			out.close();
		}
		catch (IOException ex) {
			// the child may already be gone
		}
	}

	private static void deleteQuietly(Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException | UncheckedIOException ex) {
				file.toFile().deleteOnExit();
			}
		}
	}

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
		 * @param timeout a positive duration, or {@code null} for none
		 * @return this builder
		 */
		public Builder defaultTimeout(Duration timeout) {
			this.defaultTimeout = (timeout != null) ? Require.positive(timeout, "defaultTimeout") : null;
			return this;
		}

		/**
		 * How long a tree may take after {@code SIGTERM} before {@code SIGKILL} (5 s by default).
		 * @param gracePeriod a positive duration
		 * @return this builder
		 */
		public Builder gracePeriod(Duration gracePeriod) {
			this.gracePeriod = Require.positive(gracePeriod, "gracePeriod");
			return this;
		}

		/**
		 * The capture limit per stream for processes that set none (1 MiB by default).
		 * @param bytes 0 or more
		 * @return this builder
		 */
		public Builder captureLimit(int bytes) {
			if (bytes < 0) {
				throw new IllegalArgumentException("captureLimit must not be negative, was " + bytes);
			}
			this.captureLimit = bytes;
			return this;
		}

		/**
		 * How many finished results to keep (100 by default).
		 * @param size 0 or more
		 * @return this builder
		 */
		public Builder historySize(int size) {
			if (size < 0) {
				throw new IllegalArgumentException("historySize must not be negative, was " + size);
			}
			this.historySize = size;
			return this;
		}

		/**
		 * How many processes may run at once (1024 by default); over it {@code start()} waits up to
		 * {@link #startWait(Duration)}, then throws {@link ProcessStartException}.
		 * @param max 1 or more
		 * @return this builder
		 */
		public Builder maxConcurrent(int max) {
			if (max < 1) {
				throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + max);
			}
			this.maxConcurrent = max;
			return this;
		}

		/**
		 * How long {@code start()} waits for a free slot at the concurrency limit (10 s by default).
		 * @param wait zero or more
		 * @return this builder
		 */
		public Builder startWait(Duration wait) {
			Objects.requireNonNull(wait, "startWait must not be null");
			if (wait.isNegative()) {
				throw new IllegalArgumentException("startWait must not be negative, was " + wait);
			}
			this.startWait = wait;
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
		 * Builds the factory.
		 * @return the factory
		 */
		public ManagedProcessFactory build() {
			return new ManagedProcessFactory(this);
		}


	}

}
