package dev.managedprocesses;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The immutable result of a finished managed process. A non-zero exit code is a result,
 * not an exception: check {@link #isSuccess()}.
 * <p>
 * Captured output is bounded: when a stream wrote more than the capture limit, the first
 * and the last part are kept, joined by a line that says how many bytes were left out,
 * and {@link #outputTruncated()} is {@code true}.
 */
public final class ProcessResult {

	private final long pid;

	private final String name;

	private final List<String> command;

	private final ProcessOutcome outcome;

	private final int exitCode;

	private final boolean killed;

	private final String stdout;

	private final String stderr;

	private final boolean outputTruncated;

	private final Instant startedAt;

	private final Instant endedAt;

	private final Throwable failure;

	private final Duration cpu;

	private final long peakRssBytes;

	ProcessResult(long pid, String name, List<String> command, ProcessOutcome outcome, int exitCode, boolean killed,
			String stdout, String stderr, boolean outputTruncated, Instant startedAt, Instant endedAt,
			Throwable failure) {
		this(pid, name, command, outcome, exitCode, killed, stdout, stderr, outputTruncated, startedAt, endedAt,
				failure, null, -1);
	}

	private ProcessResult(long pid, String name, List<String> command, ProcessOutcome outcome, int exitCode,
			boolean killed, String stdout, String stderr, boolean outputTruncated, Instant startedAt, Instant endedAt,
			Throwable failure, Duration cpu, long peakRssBytes) {
		this.cpu = cpu;
		this.peakRssBytes = peakRssBytes;
		this.pid = pid;
		this.name = name;
		this.command = List.copyOf(command);
		this.outcome = Objects.requireNonNull(outcome);
		this.exitCode = exitCode;
		this.killed = killed;
		this.stdout = stdout;
		this.stderr = stderr;
		this.outputTruncated = outputTruncated;
		this.startedAt = startedAt;
		this.endedAt = endedAt;
		this.failure = failure;
	}

	/**
	 * The pid the process had.
	 * @return the pid
	 */
	public long pid() {
		return this.pid;
	}

	/**
	 * The label given with {@code name(...)}, or the executable's file name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The command, executable first.
	 * @return the command
	 */
	public List<String> command() {
		return this.command;
	}

	/**
	 * How the process ended.
	 * @return the outcome
	 */
	public ProcessOutcome outcome() {
		return this.outcome;
	}

	/**
	 * The exit code as the JDK reports it: the process's own code, or {@code 128 + N}
	 * when signal {@code N} ended it.
	 * @return the exit code
	 */
	public int exitCode() {
		return this.exitCode;
	}

	/**
	 * Tells whether the process (or part of its tree) ignored {@code SIGTERM} for the
	 * whole grace period and had to be killed with {@code SIGKILL}.
	 * @return {@code true} when {@code SIGKILL} was needed
	 */
	public boolean killed() {
		return this.killed;
	}

	/**
	 * The captured standard output, empty when not captured.
	 * @return the output
	 */
	public String stdout() {
		return this.stdout;
	}

	/**
	 * The captured standard error, empty when not captured.
	 * @return the error output
	 */
	public String stderr() {
		return this.stderr;
	}

	/**
	 * Tells whether a stream wrote more than the capture limit, so that its middle was
	 * left out.
	 * @return {@code true} when output was truncated
	 */
	public boolean outputTruncated() {
		return this.outputTruncated;
	}

	/**
	 * When the process started.
	 * @return the start instant
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * When the process and its output ended.
	 * @return the end instant
	 */
	public Instant endedAt() {
		return this.endedAt;
	}

	/**
	 * How long the process ran.
	 * @return the duration from start to end
	 */
	public Duration duration() {
		return Duration.between(this.startedAt, this.endedAt);
	}

	/**
	 * The first failure in the caller's code or in reading output (a line callback that
	 * threw, a stream that failed). Output kept draining and the process was still
	 * tracked to its end.
	 * @return the failure, if any
	 */
	public Optional<Throwable> failure() {
		return Optional.ofNullable(this.failure);
	}

	/**
	 * Tells whether the process ended on its own with exit code 0.
	 * @return {@code true} on success
	 */
	public boolean isSuccess() {
		return this.outcome == ProcessOutcome.EXITED && this.exitCode == 0;
	}

	/**
	 * A copy whose captured output keeps only its last {@code maxChars} characters per
	 * stream, for keeping many results in a bounded history.
	 * @param maxChars how many characters to keep per stream
	 * @return the trimmed copy, or this result when nothing needs trimming
	 */
	public ProcessResult withOutputTail(int maxChars) {
		if (this.stdout.length() <= maxChars && this.stderr.length() <= maxChars) {
			return this;
		}
		return new ProcessResult(this.pid, this.name, this.command, this.outcome, this.exitCode, this.killed,
				tail(this.stdout, maxChars), tail(this.stderr, maxChars), true, this.startedAt, this.endedAt,
				this.failure, this.cpu, this.peakRssBytes);
	}

	/**
	 * The CPU time (user plus system) the process had used when it was last sampled.
	 * Sampled, not exact: the JDK reaps the process before its final figures can be read,
	 * so this is the figure of the last {@link ProcessOverview} that listed it (the
	 * actuator endpoint and the metrics take them); CPU used after that sample is
	 * missing. The root process only, not its descendants.
	 * @return the CPU time at the last sample, or empty when the process was never
	 * sampled (it ran between two overviews, or the platform does not tell)
	 */
	public Optional<Duration> cpu() {
		return Optional.ofNullable(this.cpu);
	}

	/**
	 * The largest resident memory the process had, as far as seen. On Linux each sample
	 * reads the kernel's own high-water mark ({@code VmHWM}), which is exact up to the
	 * moment of the sample: only growth after the last sample is missing. The root
	 * process only, not its descendants.
	 * @return the peak in bytes, or empty when the process was never sampled or the
	 * platform does not tell
	 */
	public OptionalLong peakRssBytes() {
		return (this.peakRssBytes >= 0) ? OptionalLong.of(this.peakRssBytes) : OptionalLong.empty();
	}

	/** A copy with resource samples. */
	ProcessResult withResources(Duration cpu, long peakRssBytes) {
		return new ProcessResult(this.pid, this.name, this.command, this.outcome, this.exitCode, this.killed,
				this.stdout, this.stderr, this.outputTruncated, this.startedAt, this.endedAt, this.failure, cpu,
				peakRssBytes);
	}

	private static String tail(String text, int maxChars) {
		return (text.length() <= maxChars) ? text : text.substring(text.length() - maxChars);
	}

	@Override
	public String toString() {
		return "ProcessResult[pid=" + this.pid + ", name=" + this.name + ", outcome=" + this.outcome + ", exitCode="
				+ this.exitCode + (this.killed ? ", killed" : "") + ", duration=" + duration() + "]";
	}

}
