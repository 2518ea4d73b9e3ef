package dev.managedprocesses.os;

import java.util.List;
import java.util.Objects;

/**
 * What the operating system says about one process at one moment.
 *
 * @param pid the process id
 * @param parentPid the parent's process id, or {@code 0} when unknown
 * @param state the kernel's one-letter state ({@code R}, {@code S}, {@code D}, {@code Z}
 * for a zombie, {@code T}, ...), or {@code ?} where the platform does not tell
 * @param startTime an opaque start time token: with {@link #pid()} it identifies the
 * process across pid reuse. Comparable only with tokens of the same
 * {@link OperatingSystem}
 * @param command the command line; for a zombie, whose command line is gone, the kernel's
 * short name
 * @param usage what the process had used when it was read ({@link ProcessUsage#UNKNOWN}
 * where the platform does not tell)
 */
public record ProcessInfo(long pid, long parentPid, char state, long startTime, List<String> command,
		ProcessUsage usage) {

	public ProcessInfo {
		command = List.copyOf(Objects.requireNonNull(command, "command"));
		usage = Objects.requireNonNull(usage, "usage");
	}

	/**
	 * A process whose resource use is not known.
	 * @param pid the process id
	 * @param parentPid the parent's process id
	 * @param state the kernel's one-letter state
	 * @param startTime the opaque start time token
	 * @param command the command line
	 */
	public ProcessInfo(long pid, long parentPid, char state, long startTime, List<String> command) {
		this(pid, parentPid, state, startTime, command, ProcessUsage.UNKNOWN);
	}

	/**
	 * Tells whether the process has exited and waits for its parent to reap it.
	 * @return {@code true} for a zombie
	 */
	public boolean isZombie() {
		return this.state == 'Z';
	}

	/**
	 * Tells whether the process still runs (any state but zombie or dead).
	 * @return {@code true} when the process runs
	 */
	public boolean isAlive() {
		return this.state != 'Z' && this.state != 'X';
	}

	/**
	 * The identity of this process: pid plus start time.
	 * @return the identity
	 */
	public ProcessId id() {
		return new ProcessId(this.pid, this.startTime);
	}

}
