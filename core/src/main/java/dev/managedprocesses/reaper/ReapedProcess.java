package dev.managedprocesses.reaper;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An orphan the reaper waited for, and how it ended: either it exited with a code, or a
 * signal killed it.
 *
 * @param pid its pid
 * @param command its command from when it was seen alive, or the kernel's short name of
 * the zombie
 * @param exitCode the code it exited with, empty when a signal killed it
 * @param signal the number of the signal that killed it, empty when it exited
 * @param reapedAt when it was reaped
 */
public record ReapedProcess(long pid, List<String> command, OptionalInt exitCode, OptionalInt signal,
		Instant reapedAt) {

	/**
	 * Creates a record of a reaped orphan.
	 * @param pid its pid
	 * @param command its command
	 * @param exitCode the code it exited with, empty when a signal killed it
	 * @param signal the signal that killed it, empty when it exited
	 * @param reapedAt when it was reaped
	 * @throws IllegalArgumentException unless exactly one of exit code and signal is
	 * present
	 */
	public ReapedProcess {
		command = List.copyOf(command);
		Objects.requireNonNull(reapedAt, "reapedAt must not be null");
		if (exitCode.isPresent() == signal.isPresent()) {
			throw new IllegalArgumentException(
					"exactly one of exitCode and signal must be present, was " + exitCode + " and " + signal);
		}
	}

	/**
	 * The exit value as {@link Process#exitValue()} reports it: the exit code, or
	 * {@code 128 + N} when signal {@code N} killed the process.
	 * @return the exit value
	 */
	public int exitValue() {
		return this.exitCode.isPresent() ? this.exitCode.getAsInt() : 128 + this.signal.getAsInt();
	}

}
