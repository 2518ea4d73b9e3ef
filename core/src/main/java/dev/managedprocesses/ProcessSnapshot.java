package dev.managedprocesses;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;

/**
 * What the operating system said about one process at one moment: a value, not a handle
 * (the process may have ended since). Means the same on every platform; where a platform
 * does not tell something (the start time, the state), the accessor says so
 * ({@link Optional#empty()}, {@link State#UNKNOWN}). Two snapshots are equal when they
 * describe the same process in the same state; {@link #resources()}, which changes with
 * every read, is not part of equality.
 */
public final class ProcessSnapshot {

	private final long pid;

	private final long parentPid;

	private final List<String> command;

	private final Instant startedAt;

	private final State state;

	private final ResourceUsage resources;

	/**
	 * Creates a snapshot.
	 * @param pid the process id
	 * @param parentPid the parent's process id, {@code 0} when unknown
	 * @param command the command line, executable first (for a zombie, the kernel's short
	 * name)
	 * @param startedAt when the process started, or {@link Optional#empty()} when unknown
	 * @param state the state
	 */
	ProcessSnapshot(long pid, long parentPid, List<String> command, Optional<Instant> startedAt, State state) {
		this(pid, parentPid, command, startedAt, state, null);
	}

	ProcessSnapshot(long pid, long parentPid, List<String> command, Optional<Instant> startedAt, State state,
			ResourceUsage resources) {
		this.resources = resources;
		this.pid = pid;
		this.parentPid = parentPid;
		this.command = List.copyOf(Objects.requireNonNull(command, "command must not be null"));
		this.startedAt = Objects.requireNonNull(startedAt, "startedAt must not be null").orElse(null);
		this.state = Objects.requireNonNull(state, "state must not be null");
	}

	static ProcessSnapshot of(ProcessInfo info, OperatingSystem os) {
		return of(info, os, null);
	}

	static ProcessSnapshot of(ProcessInfo info, OperatingSystem os, ResourceUsage resources) {
		return new ProcessSnapshot(info.pid(), info.parentPid(), info.command(), os.startInstant(info),
				State.of(info.state()), resources);
	}

	/**
	 * The process id.
	 * @return the pid
	 */
	public long pid() {
		return this.pid;
	}

	/**
	 * The parent's process id.
	 * @return the parent pid, {@code 0} when unknown
	 */
	public long parentPid() {
		return this.parentPid;
	}

	/**
	 * The command line, executable first; for a zombie, whose command line is gone, the
	 * kernel's short name. Empty when the platform does not tell.
	 * @return the command
	 */
	public List<String> command() {
		return this.command;
	}

	/**
	 * When the process started. On Linux it is the kernel's boot time (whole seconds)
	 * plus the start time in clock ticks, so it may be off by up to a second; it
	 * describes the process, it does not identify it.
	 * @return the start instant, or empty when the platform does not tell
	 */
	public Optional<Instant> startedAt() {
		return Optional.ofNullable(this.startedAt);
	}

	/**
	 * The process's state when the snapshot was taken.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * What the process had used when the snapshot was taken: CPU time and share, resident
	 * memory, threads, open descriptors. Present for live managed processes and their
	 * descendants where the platform tells at least the CPU time (on Linux, always;
	 * elsewhere through {@link ProcessHandle.Info#totalCpuDuration()}).
	 * @return the usage, or empty for other processes, zombies, or where the platform
	 * does not tell
	 */
	public Optional<ResourceUsage> resources() {
		return Optional.ofNullable(this.resources);
	}

	/**
	 * Tells whether the process had exited and waited for its parent to reap it.
	 * @return {@code true} for a zombie
	 */
	public boolean isZombie() {
		return this.state == State.ZOMBIE;
	}

	/**
	 * Tells whether the process still ran (any state but zombie or dead).
	 * @return {@code true} when it ran
	 */
	public boolean isAlive() {
		return this.state != State.ZOMBIE && this.state != State.DEAD;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof ProcessSnapshot that)) {
			return false;
		}
		return this.pid == that.pid && this.parentPid == that.parentPid && this.command.equals(that.command)
				&& Objects.equals(this.startedAt, that.startedAt) && this.state == that.state;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.pid, this.parentPid, this.command, this.startedAt, this.state);
	}

	@Override
	public String toString() {
		return "ProcessSnapshot[pid=" + this.pid + ", parentPid=" + this.parentPid + ", state=" + this.state
				+ ", startedAt=" + this.startedAt + ", command=" + this.command + "]";
	}

	/**
	 * The state of a process, as far as the platform tells.
	 */
	public enum State {

		/** Running or runnable. */
		RUNNING('R'),

		/** Waiting for an event (an interruptible sleep; idle kernel threads too). */
		SLEEPING('S'),

		/** Waiting uninterruptibly, usually for I/O. */
		WAITING('D'),

		/** Stopped by a signal or by a tracer. */
		STOPPED('T'),

		/** Exited, waiting for its parent to reap it. */
		ZOMBIE('Z'),

		/** Being removed. */
		DEAD('X'),

		/**
		 * Alive, but the platform does not tell more (every process without
		 * {@code /proc}).
		 */
		UNKNOWN('?');

		private final char code;

		State(char code) {
			this.code = code;
		}

		/**
		 * The one-letter code {@code ps} shows for this state ({@code ?} for
		 * {@link #UNKNOWN}).
		 * @return the code
		 */
		public char code() {
			return this.code;
		}

		static State of(char kernelState) {
			return switch (kernelState) {
				case 'R' -> RUNNING;
				case 'S', 'I' -> SLEEPING;
				case 'D', 'W' -> WAITING;
				case 'T', 't' -> STOPPED;
				case 'Z' -> ZOMBIE;
				case 'X', 'x' -> DEAD;
				default -> UNKNOWN;
			};
		}

	}

}
