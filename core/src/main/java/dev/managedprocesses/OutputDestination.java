package dev.managedprocesses;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.Objects;

import dev.managedprocesses.internal.Require;

/**
 * Where one output stream of a process goes, as {@link ProcessBuilder.Redirect} says it
 * for the JDK: captured in memory (the default), discarded, written or appended to a
 * file, or inherited from this JVM. Given to
 * {@link ManagedProcessBuilder#redirectOutput(OutputDestination)} and
 * {@link ManagedProcessBuilder#redirectError(OutputDestination)}; each stream has exactly
 * one destination, and the last one set wins.
 * <p>
 * Only a captured stream is piped into this JVM, so only a captured stream can have line
 * callbacks or be logged. Every other destination costs no reading thread: the child
 * writes to the file (or to {@code /dev/null}, or to this JVM's own stream) directly.
 */
public final class OutputDestination {

	private static final OutputDestination DISCARD = new OutputDestination(Kind.DISCARD, 0, null);

	private static final OutputDestination INHERIT = new OutputDestination(Kind.INHERIT, 0, null);

	/**
	 * Standard error written where standard output goes; only for standard error, set by
	 * the builder.
	 */
	static final OutputDestination MERGED_INTO_OUTPUT = new OutputDestination(Kind.MERGED_INTO_OUTPUT, 0, null);

	private final Kind kind;

	private final int captureLimit;

	private final Path file;

	private OutputDestination(Kind kind, int captureLimit, Path file) {
		this.kind = kind;
		this.captureLimit = captureLimit;
		this.file = file;
	}

	/**
	 * Captured in memory, at most {@code limit} bytes; past that the first and last
	 * halves are kept and {@link ProcessResult#outputTruncated()} is set. The stream is
	 * always drained, whatever the limit.
	 * @param limit the most bytes kept, 0 or more
	 * @return the destination
	 */
	public static OutputDestination capture(int limit) {
		return new OutputDestination(Kind.CAPTURE, Require.notNegative(limit, "capture limit"), null);
	}

	/**
	 * Discarded by the operating system ({@link Redirect#DISCARD}).
	 * @return the destination
	 */
	public static OutputDestination discard() {
		return DISCARD;
	}

	/**
	 * Written to a file, created or truncated at start.
	 * @param file the file
	 * @return the destination
	 */
	public static OutputDestination file(Path file) {
		return new OutputDestination(Kind.FILE, 0, Objects.requireNonNull(file, "file must not be null"));
	}

	/**
	 * Appended to a file, created at start if missing.
	 * @param file the file
	 * @return the destination
	 */
	public static OutputDestination appendTo(Path file) {
		return new OutputDestination(Kind.APPEND, 0, Objects.requireNonNull(file, "file must not be null"));
	}

	/**
	 * The same stream of this JVM ({@link Redirect#INHERIT}): the child writes to the
	 * application's own standard output or standard error.
	 * @return the destination
	 */
	public static OutputDestination inherit() {
		return INHERIT;
	}

	/**
	 * Tells whether the stream is piped into this JVM (captured), so that its lines can
	 * be called back or logged.
	 * @return {@code true} when captured
	 */
	public boolean isCaptured() {
		return this.kind == Kind.CAPTURE;
	}

	int captureLimit() {
		return this.captureLimit;
	}

	boolean isMergedIntoOutput() {
		return this.kind == Kind.MERGED_INTO_OUTPUT;
	}

	/** The JDK redirect; {@link Redirect#PIPE} for a captured (or merged) stream. */
	Redirect redirect() {
		return switch (this.kind) {
			case CAPTURE, MERGED_INTO_OUTPUT -> Redirect.PIPE;
			case DISCARD -> Redirect.DISCARD;
			case FILE -> Redirect.to(this.file.toFile());
			case APPEND -> Redirect.appendTo(this.file.toFile());
			case INHERIT -> Redirect.INHERIT;
		};
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof OutputDestination that && this.kind == that.kind
				&& this.captureLimit == that.captureLimit && Objects.equals(this.file, that.file);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.kind, this.captureLimit, this.file);
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case CAPTURE -> "capture(" + this.captureLimit + ")";
			case DISCARD -> "discard";
			case FILE -> "file(" + this.file + ")";
			case APPEND -> "appendTo(" + this.file + ")";
			case INHERIT -> "inherit";
			case MERGED_INTO_OUTPUT -> "mergedIntoOutput";
		};
	}

	private enum Kind {

		CAPTURE, DISCARD, FILE, APPEND, INHERIT, MERGED_INTO_OUTPUT

	}

}
