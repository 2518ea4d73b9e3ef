package dev.managedprocesses;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.managedprocesses.internal.FailureRecorder;
import dev.managedprocesses.internal.Listeners;
import dev.managedprocesses.internal.MdcLineLogger;
import dev.managedprocesses.internal.StreamSink;
import dev.managedprocesses.internal.io.CapturedPipes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link ProcessSpec} into a running, fully wired {@link DefaultManagedProcess}:
 * the JDK {@link ProcessBuilder} with its environment, tree marker and redirects, the
 * sinks of captured streams, and the spawn itself. It neither registers nor watches the
 * process: that is the factory's lifecycle.
 */
final class ProcessLauncher {

	/**
	 * Whether captured streams go through the event-driven engine (Linux with JNA): pipes
	 * of our own, read by the factory's I/O loop or by {@code run()}'s caller.
	 * {@code -Dmanagedprocesses.io=pump} keeps the portable pump (for comparison).
	 */
	static final boolean ENGINE = !"pump".equals(System.getProperty("managedprocesses.io"))
			&& CapturedPipes.available();

	/** {@code /dev/null} where there is one: standard input of a process given none. */
	private static final java.io.File NO_INPUT = devNull();

	private final ManagedProcessFactory factory;

	private final Listeners<ProcessListener> listeners;

	ProcessLauncher(ManagedProcessFactory factory, Listeners<ProcessListener> listeners) {
		this.factory = factory;
		this.listeners = listeners;
	}

	/**
	 * Spawns the process.
	 * @param spec what to start, already checked by {@link StartPreconditions}
	 * @param treeId the value of the tree marker for this process
	 * @return the process, not yet registered nor watched
	 * @throws ProcessStartException when the operating system refuses (listeners hear of
	 * it) or standard input cannot be prepared
	 */
	DefaultManagedProcess launch(ProcessSpec spec, String treeId) {
		List<String> command = spec.command();
		Path inputTemp = null;
		try {
			ProcessBuilder builder = new ProcessBuilder(command);
			spec.directory().ifPresent((directory) -> builder.directory(directory.toFile()));
			Map<String, String> environment = builder.environment();
			if (!spec.inheritEnvironment()) {
				environment.clear();
			}
			environment.putAll(spec.environment());
			environment.put(ManagedProcessFactory.TREE_VARIABLE, treeId);
			inputTemp = redirectInput(builder, spec.input());
			builder.redirectOutput(spec.output().redirect());
			if (spec.error().isMergedIntoOutput()) {
				builder.redirectErrorStream(true);
			}
			else {
				builder.redirectError(spec.error().redirect());
			}
			FailureRecorder failures = new FailureRecorder();
			Logger outputLogger = spec.logOutput()
					? LoggerFactory.getLogger("dev.managedprocesses.output." + spec.name()) : null;
			// logged lines carry process.name and process.pid in the MDC (the pid is
			// bound after the spawn)
			MdcLineLogger outputLog = (outputLogger != null) ? new MdcLineLogger(outputLogger::info, spec.name())
					: null;
			MdcLineLogger errorLog = (outputLogger != null) ? new MdcLineLogger(outputLogger::warn, spec.name()) : null;
			StreamSink stdout = spec.output().isCaptured() ? new StreamSink(spec.output().captureLimit(),
					spec.charset(), lines(spec.outputLines(), outputLog), this.factory.callbackExecutor(), failures)
					: null;
			StreamSink stderr = spec.error().isCaptured() ? new StreamSink(spec.error().captureLimit(), spec.charset(),
					lines(spec.errorLines(), errorLog), this.factory.callbackExecutor(), failures) : null;
			CapturedPipes pipes = (ENGINE && (stdout != null || stderr != null)) ? openPipes(command, stdout, stderr)
					: null;
			// interceptors (observations, trace propagation) see the start on the calling
			// thread, last before the spawn
			ProcessInterceptors.Interceptions intercepted = this.factory.interceptors().beforeStart(spec, environment);
			Instant startedAt = Instant.now();
			Process process;
			try {
				if (pipes != null) {
					pipes.redirect(builder);
				}
				process = builder.start();
			}
			catch (IOException | RuntimeException ex) {
				if (pipes != null) {
					pipes.close();
				}
				if (!(ex instanceof IOException)) {
					throw ex;
				}
				ProcessStartException failure = new ProcessStartException(command, ex.getMessage(), ex);
				intercepted.startFailed(failure);
				this.listeners.notify((listener) -> listener.startFailed(command, failure));
				throw failure;
			}
			if (outputLog != null) {
				outputLog.bindPid(process.pid());
				errorLog.bindPid(process.pid());
			}
			ProcessWatch watch;
			if (pipes != null) {
				// from here the engine owns the read ends and the pidfd; our write ends
				// must go for EOF to come
				pipes.started();
				watch = new EngineWatch(this.factory, process, CapturedPipes.pidfd(process), pipes, stdout, stderr,
						failures);
			}
			else {
				watch = new PumpWatch(process, stdout, stderr, failures);
			}
			if (spec.input().isNone() && NO_INPUT == null) {
				// closed at once, so a child that reads it gets end-of-file instead of
				// hanging
				closeQuietly(process.getOutputStream());
			}
			DefaultManagedProcess managed = new DefaultManagedProcess(this.factory, process, spec.name(), command,
					treeId, startedAt, spec.gracePeriod(), stdout, stderr, failures, spec.charset(), spec.stopSignal(),
					watch);
			this.factory.interceptors().started(managed, intercepted);
			return managed;
		}
		catch (IOException ex) {
			throw new ProcessStartException(command, "cannot prepare standard input: " + ex.getMessage(), ex);
		}
		finally {
			deleteQuietly(inputTemp);
		}
	}

	private static java.io.File devNull() {
		java.io.File file = new java.io.File("/dev/null");
		return (java.io.File.separatorChar == '/' && file.exists()) ? file : null;
	}

	private static CapturedPipes openPipes(List<String> command, StreamSink stdout, StreamSink stderr) {
		try {
			return CapturedPipes.open(stdout != null, stderr != null);
		}
		catch (IOException ex) {
			throw new ProcessStartException(command, "cannot create output pipes: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Redirects standard input; answers the temporary file holding input bytes, to delete
	 * after the start.
	 */
	private static Path redirectInput(ProcessBuilder builder, ProcessSpec.Input input) throws IOException {
		if (input.file().isPresent()) {
			builder.redirectInput(input.file().get().toFile());
			return null;
		}
		if (input.bytes().isPresent()) {
			// a file, not a writer thread: no extra thread and no deadlock with a child
			// that does not read
			Path temp = Files.createTempFile("managed-process-input", ".bin");
			try {
				Files.write(temp, input.bytes().get());
			}
			catch (IOException ex) {
				deleteQuietly(temp);
				throw ex;
			}
			builder.redirectInput(temp.toFile());
			return temp;
		}
		if (NO_INPUT != null) {
			// end of file at once without a pipe: no pipe to make and close, no 8 KiB
			// stream buffer kept
			builder.redirectInput(NO_INPUT);
		}
		return null;
	}

	private static Consumer<String> lines(Optional<Consumer<String>> callback, Consumer<String> log) {
		if (callback.isEmpty()) {
			return log;
		}
		if (log == null) {
			return callback.get();
		}
		Consumer<String> user = callback.get();
		return (line) -> {
			log.accept(line);
			user.accept(line);
		};
	}

	private static void closeQuietly(OutputStream out) {
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

}
