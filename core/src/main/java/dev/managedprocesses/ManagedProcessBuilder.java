package dev.managedprocesses;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import dev.managedprocesses.internal.Require;
import dev.managedprocesses.os.Signal;

/**
 * Describes one process to start, fluently; got from
 * {@link ManagedProcessFactory#command(String...)}.
 * <p>
 * Arguments are an argv, never a shell string. Every setter checks its value at once and
 * throws {@link IllegalArgumentException} or {@link NullPointerException} naming it;
 * {@link #start()} then checks what can only be checked against the file system
 * (executable, directory) and throws {@link ProcessStartException} before anything
 * starts. A builder is not thread safe; it may be used to start several processes: each
 * {@code start()} takes an immutable copy of what was set.
 * <p>
 * <b>Where output goes.</b> Standard output and standard error each have one
 * {@link OutputDestination} (captured with the factory's capture limit unless set). Every
 * output method sets the destination of the stream(s) it names and replaces what was set
 * before for them: for each stream the last call wins. {@link #captureOutput(int)},
 * {@link #discardOutput()} and {@link #inheritOutput()} set both streams;
 * {@link #redirectOutput(Path)} and {@link #redirectOutput(OutputDestination)} set
 * standard output only; {@link #redirectError(Path)},
 * {@link #redirectError(OutputDestination)} and {@link #mergeErrorIntoOutput()} set
 * standard error only. Line callbacks and {@link #logOutput()} need their stream
 * captured; {@link #start()} fails with a {@link ProcessStartException} saying where the
 * stream goes otherwise.
 */
public final class ManagedProcessBuilder {

	private final ManagedProcessFactory factory;

	private final List<String> command;

	private String name;

	private Path directory;

	private final Map<String, String> environment = new LinkedHashMap<>();

	private boolean inheritEnvironment = true;

	private Duration timeout;

	private Duration gracePeriod;

	private ProcessSpec.Input input = ProcessSpec.Input.NONE;

	private OutputDestination output;

	private OutputDestination error;

	private Consumer<String> outputLines;

	private Consumer<String> errorLines;

	private boolean logOutput;

	private Charset charset = StandardCharsets.UTF_8;

	private Signal stopSignal = Signal.TERM;

	ManagedProcessBuilder(ManagedProcessFactory factory, List<String> command) {
		Objects.requireNonNull(command, "command must not be null");
		if (command.isEmpty()) {
			throw new IllegalArgumentException("command must not be empty");
		}
		for (int i = 0; i < command.size(); i++) {
			if (command.get(i) == null) {
				throw new IllegalArgumentException("command argument " + i + " must not be null: " + command);
			}
		}
		if (command.get(0).isBlank()) {
			throw new IllegalArgumentException("executable must not be blank: " + command);
		}
		this.factory = factory;
		this.command = List.copyOf(new ArrayList<>(command));
		ManagedProcessFactory.Settings settings = factory.settings();
		this.timeout = settings.defaultTimeout().orElse(null);
		this.gracePeriod = settings.gracePeriod();
		this.output = OutputDestination.capture(settings.captureLimit());
		this.error = this.output;
	}

	/**
	 * A label shown in the endpoint, the logs and the metrics; defaults to the
	 * executable's file name. Keep it low in cardinality: it becomes a metric tag.
	 * @param name the label
	 * @return this builder
	 */
	public ManagedProcessBuilder name(String name) {
		Objects.requireNonNull(name, "name must not be null");
		if (name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		this.name = name;
		return this;
	}

	/**
	 * The working directory; it must exist when {@link #start()} is called.
	 * @param directory the directory
	 * @return this builder
	 */
	public ManagedProcessBuilder directory(Path directory) {
		this.directory = Objects.requireNonNull(directory, "directory must not be null");
		return this;
	}

	/**
	 * Sets one environment variable.
	 * @param name the name
	 * @param value the value
	 * @return this builder
	 */
	public ManagedProcessBuilder environment(String name, String value) {
		Objects.requireNonNull(name, "environment variable name must not be null");
		Objects.requireNonNull(value, () -> "value of environment variable " + name + " must not be null");
		if (name.isEmpty() || name.indexOf('=') >= 0) {
			throw new IllegalArgumentException("invalid environment variable name '" + name + "'");
		}
		this.environment.put(name, value);
		return this;
	}

	/**
	 * Sets environment variables.
	 * @param variables the variables
	 * @return this builder
	 */
	public ManagedProcessBuilder environment(Map<String, String> variables) {
		Objects.requireNonNull(variables, "environment must not be null");
		variables.forEach(this::environment);
		return this;
	}

	/**
	 * Whether the child starts with this JVM's environment (the default) or only with the
	 * variables set here.
	 * @param inherit {@code true} to inherit
	 * @return this builder
	 */
	public ManagedProcessBuilder inheritEnvironment(boolean inherit) {
		this.inheritEnvironment = inherit;
		return this;
	}

	/**
	 * Stops the process, whole tree, when it runs longer than this; its outcome is then
	 * {@link ProcessOutcome#TIMED_OUT}.
	 * @param timeout a positive duration of at most {@code Long.MAX_VALUE} nanoseconds
	 * (about 292 years)
	 * @return this builder
	 */
	public ManagedProcessBuilder timeout(Duration timeout) {
		this.timeout = Require.schedulable(timeout, "timeout");
		return this;
	}

	/**
	 * How long the tree may take to end after {@code SIGTERM} before it gets
	 * {@code SIGKILL}.
	 * @param gracePeriod a positive duration of at most {@code Long.MAX_VALUE}
	 * nanoseconds
	 * @return this builder
	 */
	public ManagedProcessBuilder gracePeriod(Duration gracePeriod) {
		this.gracePeriod = Require.schedulable(gracePeriod, "gracePeriod");
		return this;
	}

	/**
	 * Text for the process's standard input (UTF-8). Without any {@code input(...)}
	 * standard input is closed at start, so a child that reads it gets end-of-file
	 * instead of hanging.
	 * @param text the input
	 * @return this builder
	 */
	public ManagedProcessBuilder input(String text) {
		Objects.requireNonNull(text, "input must not be null");
		return input(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Bytes for the process's standard input.
	 * @param bytes the input
	 * @return this builder
	 */
	public ManagedProcessBuilder input(byte[] bytes) {
		Objects.requireNonNull(bytes, "input must not be null");
		this.input = new ProcessSpec.Input(Optional.of(bytes.clone()), Optional.empty());
		return this;
	}

	/**
	 * A file for the process's standard input.
	 * @param file the file; it must exist when {@link #start()} is called
	 * @return this builder
	 */
	public ManagedProcessBuilder input(Path file) {
		Objects.requireNonNull(file, "input file must not be null");
		this.input = new ProcessSpec.Input(Optional.empty(), Optional.of(file));
		return this;
	}

	/**
	 * Where standard output goes (captured with the factory's capture limit unless set).
	 * Replaces whatever was set for standard output before: for each stream the last call
	 * wins.
	 * @param destination the destination
	 * @return this builder
	 */
	public ManagedProcessBuilder redirectOutput(OutputDestination destination) {
		this.output = Objects.requireNonNull(destination, "output destination must not be null");
		return this;
	}

	/**
	 * Where standard error goes (captured with the factory's capture limit unless set).
	 * Replaces whatever was set for standard error before, including
	 * {@link #mergeErrorIntoOutput()}: the last call wins.
	 * @param destination the destination
	 * @return this builder
	 */
	public ManagedProcessBuilder redirectError(OutputDestination destination) {
		this.error = Objects.requireNonNull(destination, "error destination must not be null");
		return this;
	}

	/**
	 * Captures standard output and standard error, at most {@code limit} bytes each; past
	 * that the first and last halves are kept and {@link ProcessResult#outputTruncated()}
	 * is set. Output is always drained, whatever the limit. Sets both streams:
	 * {@code redirectOutput(OutputDestination.capture(limit))} and the same for standard
	 * error, replacing what was set before.
	 * @param limit the most bytes kept per stream, 0 or more
	 * @return this builder
	 */
	public ManagedProcessBuilder captureOutput(int limit) {
		OutputDestination capture = OutputDestination.capture(limit);
		this.output = capture;
		this.error = capture;
		return this;
	}

	/**
	 * Sends standard output and standard error nowhere, without any reading thread. Sets
	 * both streams, replacing what was set before.
	 * @return this builder
	 */
	public ManagedProcessBuilder discardOutput() {
		this.output = OutputDestination.discard();
		this.error = OutputDestination.discard();
		return this;
	}

	/**
	 * Writes standard output and standard error to this application's own standard output
	 * and standard error ({@link ProcessBuilder.Redirect#INHERIT}), without any reading
	 * thread. Sets both streams, replacing what was set before.
	 * @return this builder
	 */
	public ManagedProcessBuilder inheritOutput() {
		this.output = OutputDestination.inherit();
		this.error = OutputDestination.inherit();
		return this;
	}

	/**
	 * Writes standard error wherever standard output goes, interleaved as the child
	 * writes them ({@link ProcessBuilder#redirectErrorStream(boolean)}): into the
	 * captured output, the file, this JVM's standard output or nowhere.
	 * {@link ProcessResult#stderr()} is then empty, and error lines arrive as output
	 * lines. Replaces the destination of standard error; setting one later replaces this.
	 * @return this builder
	 */
	public ManagedProcessBuilder mergeErrorIntoOutput() {
		this.error = OutputDestination.MERGED_INTO_OUTPUT;
		return this;
	}

	/**
	 * Writes standard output to a file (created or truncated), without any reading
	 * thread: {@code redirectOutput(OutputDestination.file(file))}.
	 * @param file the file
	 * @return this builder
	 */
	public ManagedProcessBuilder redirectOutput(Path file) {
		Objects.requireNonNull(file, "output file must not be null");
		return redirectOutput(OutputDestination.file(file));
	}

	/**
	 * Writes standard error to a file (created or truncated), without any reading thread:
	 * {@code redirectError(OutputDestination.file(file))}.
	 * @param file the file
	 * @return this builder
	 */
	public ManagedProcessBuilder redirectError(Path file) {
		Objects.requireNonNull(file, "error file must not be null");
		return redirectError(OutputDestination.file(file));
	}

	/**
	 * Calls back with each line of standard output, on the process's output thread. A
	 * callback that throws is switched off, its failure recorded in
	 * {@link ProcessResult#failure()}; output keeps draining. Standard output must be
	 * captured: {@link #start()} fails otherwise.
	 * @param consumer the callback
	 * @return this builder
	 */
	public ManagedProcessBuilder onOutputLine(Consumer<String> consumer) {
		this.outputLines = Objects.requireNonNull(consumer, "output line consumer must not be null");
		return this;
	}

	/**
	 * Calls back with each line of standard error, as {@link #onOutputLine(Consumer)}.
	 * Standard error must be captured (not merged into standard output): {@link #start()}
	 * fails otherwise.
	 * @param consumer the callback
	 * @return this builder
	 */
	public ManagedProcessBuilder onErrorLine(Consumer<String> consumer) {
		this.errorLines = Objects.requireNonNull(consumer, "error line consumer must not be null");
		return this;
	}

	/**
	 * Logs each output line through SLF4J, logger
	 * {@code dev.managedprocesses.output.<name>}: standard output at INFO, standard error
	 * at WARN (merged standard error is logged as output). Both streams must be captured,
	 * or standard error merged into captured output: {@link #start()} fails otherwise.
	 * @return this builder
	 */
	public ManagedProcessBuilder logOutput() {
		this.logOutput = true;
		return this;
	}

	/**
	 * The charset of the process's output (UTF-8 unless set).
	 * @param charset the charset
	 * @return this builder
	 */
	public ManagedProcessBuilder charset(Charset charset) {
		this.charset = Objects.requireNonNull(charset, "charset must not be null");
		return this;
	}

	/**
	 * The signal that starts a graceful stop ({@link ManagedProcess#stop()}, the timeout,
	 * shutdown): sent to every member of the tree instead of {@code SIGTERM}; after the
	 * grace period whatever is still alive gets {@code SIGKILL} as always. For servers
	 * that stop cleanly on another signal (nginx on {@code QUIT}, many shells on
	 * {@code INT}). Names as in {@code kill -s}, with or without {@code SIG}:
	 * {@code TERM} (the default), {@code INT}, {@code HUP}, {@code QUIT}, {@code USR1},
	 * {@code USR2}, and {@code KILL} (no grace at all). Off Linux every signal but
	 * {@code KILL} is sent as the platform's polite termination.
	 * @param name the signal's name
	 * @return this builder
	 * @throws IllegalArgumentException when no such signal is known (the message names
	 * the value)
	 */
	public ManagedProcessBuilder stopSignal(String name) {
		this.stopSignal = Signal.named(name);
		return this;
	}

	/**
	 * Starts the process.
	 * @return the running process
	 * @throws ProcessStartException when it cannot start (nothing is left behind)
	 */
	public ManagedProcess start() {
		return this.factory.start(spec(), false);
	}

	/**
	 * Starts the process and waits for its result. A non-zero exit code is a result, not
	 * an exception. The calling thread drains the output while it waits, so no thread is
	 * started for the process.
	 * @return the result
	 * @throws ProcessStartException when it cannot start
	 * @throws InterruptedException when the waiting thread is interrupted (the process
	 * keeps running, tracked and drained in the background, and is still stopped by its
	 * timeout or at shutdown)
	 */
	public ProcessResult run() throws InterruptedException {
		return this.factory.run(spec());
	}

	/** What to start, as described so far. */
	ProcessSpec spec() {
		return new ProcessSpec(this.command, effectiveName(), Optional.ofNullable(this.directory), this.environment,
				this.inheritEnvironment, Optional.ofNullable(this.timeout), this.gracePeriod, this.input, this.output,
				this.error, Optional.ofNullable(this.outputLines), Optional.ofNullable(this.errorLines), this.logOutput,
				this.charset, this.stopSignal);
	}

	private String effectiveName() {
		if (this.name != null) {
			return this.name;
		}
		String executable = this.command.get(0);
		int slash = Math.max(executable.lastIndexOf('/'), executable.lastIndexOf('\\'));
		return executable.substring(slash + 1);
	}

}
