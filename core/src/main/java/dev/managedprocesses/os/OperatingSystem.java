package dev.managedprocesses.os;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The one door to the operating system: process listing, signals, and the native calls
 * the reaper needs.
 * <p>
 * This interface is the one deliberate service provider interface of the {@code os}
 * package: the reaper is built with it ({@code OrphanReaper.builder(OperatingSystem)}),
 * and tests may implement it to drive pure rule logic. Everything else in this package
 * ({@link ProcessInfo}, {@link ProcessTable}, {@link ProcessId}, {@link ExitStatus},
 * {@link PinnedProcess}, {@link Signal} and the implementations) is internal: it may
 * change in any release, and no public API of the starter returns it.
 * <p>
 * Everything platform specific (JNA, {@code /proc} parsing) sits behind this interface so
 * that the rest of the starter reads as plain Java. {@link #current()} picks
 * {@link LinuxOperatingSystem} where {@code /proc} exists and
 * {@link PortableOperatingSystem} (built on {@link ProcessHandle}) elsewhere.
 * Capabilities that a platform lacks answer with empty results and {@link #limitations()}
 * says why, so callers never have to catch platform errors.
 */
public interface OperatingSystem {

	/**
	 * The implementation for the platform this JVM runs on, detected once.
	 * @return the operating system
	 */
	static OperatingSystem current() {
		return OperatingSystemDetector.CURRENT;
	}

	/**
	 * A short description, e.g. {@code linux (procfs, native)} or
	 * {@code portable (Mac OS X)}.
	 * @return the description
	 */
	String description();

	/**
	 * The pid of this JVM, as seen in its own PID namespace.
	 * @return the pid
	 */
	long currentPid();

	/**
	 * Tells whether this platform shows zombie processes ({@code /proc} on Linux).
	 * @return {@code true} when zombies are visible
	 */
	boolean canSeeZombies();

	/**
	 * Tells whether the native calls for reaping ({@code waitid}, {@code waitpid}) and
	 * the child subreaper flag ({@code prctl}) are available.
	 * @return {@code true} when the reaper can work here
	 */
	boolean canReap();

	/**
	 * Human readable reasons for every capability that is missing here, empty when
	 * nothing is.
	 * @return the limitations
	 */
	List<String> limitations();

	/**
	 * One process.
	 * @param pid the pid
	 * @return the process, or empty when it does not exist (or is not visible)
	 */
	Optional<ProcessInfo> process(long pid);

	/**
	 * One process like {@link #process(long)}, but possibly without its command line: the
	 * command may be only the kernel's short name of the executable. For callers that
	 * need identity, parent and state only: on Linux a command line is read from the
	 * process's memory, which waits while that process maps memory (exec, exit), for
	 * seconds when a thousand processes do so at once on a busy machine.
	 * @param pid the pid
	 * @return the process, or empty when it does not exist (or is not visible)
	 */
	default Optional<ProcessInfo> processWithoutCommandLine(long pid) {
		return process(pid);
	}

	/**
	 * The command line of a process alone, for a caller that already holds the rest of
	 * its {@link ProcessInfo} (from a listing without command lines) and describes only
	 * some of the processes listed.
	 * @param pid the pid
	 * @return the arguments, or empty when the process is gone, is a zombie or a kernel
	 * thread, or its command line is not visible
	 */
	default Optional<List<String>> commandLine(long pid) {
		return process(pid).map(ProcessInfo::command);
	}

	/**
	 * When a process started, from the start time token of its {@link ProcessInfo}, for
	 * describing it (the token, not this instant, identifies a process).
	 * @param process the process as this operating system listed it
	 * @return the start instant, or empty when the platform does not tell
	 */
	default Optional<Instant> startInstant(ProcessInfo process) {
		return Optional.empty();
	}

	/**
	 * Tells whether the JDK finds executables here as POSIX {@code execvp} does (a name
	 * with a slash is a path, any other name is looked up on {@code PATH}), so that a
	 * missing executable can be reported before anything starts. {@code false} on
	 * Windows, whose lookup rules (extensions, the current directory) differ.
	 * @return {@code true} on POSIX platforms
	 */
	default boolean findsExecutablesLikePosix() {
		return true;
	}

	/**
	 * Every visible process, zombies included where {@link #canSeeZombies()}.
	 * @return a snapshot of the process table
	 */
	List<ProcessInfo> processes();

	/**
	 * Every visible process like {@link #processes()}, but possibly without reading
	 * command lines: the command may be only the kernel's short name of the executable.
	 * Much cheaper with thousands of processes; for callers that need identities, parents
	 * and states only.
	 * @return a snapshot of the process table
	 */
	default List<ProcessInfo> processesWithoutCommandLines() {
		return processes();
	}

	/**
	 * How many file descriptors a process has open (on Linux, the entries of
	 * {@code /proc/PID/fd}).
	 * @param pid the process
	 * @return the count, or empty when the platform does not tell or the process is not
	 * readable
	 */
	default OptionalInt openFiles(long pid) {
		return OptionalInt.empty();
	}

	/**
	 * The largest resident size a process has had so far (on Linux, {@code VmHWM} of
	 * {@code /proc/PID/status}).
	 * @param pid the process
	 * @return the peak in bytes, or empty when the platform does not tell or the process
	 * is gone
	 */
	default OptionalLong peakResidentBytes(long pid) {
		return OptionalLong.empty();
	}

	/**
	 * The direct children of a process, zombies included where {@link #canSeeZombies()}.
	 * @param pid the parent
	 * @return the children's pids
	 */
	List<Long> children(long pid);

	/**
	 * The children that one thread of a process started (or that were re-parented to it):
	 * Linux lists children per thread in {@code /proc/PID/task/TID/children}. Orphans are
	 * re-parented to the thread group leader ({@code tid == pid}).
	 * @param pid the process
	 * @param tid the thread
	 * @return the children's pids, or empty when the platform cannot tell
	 */
	Optional<List<Long>> threadChildren(long pid, long tid);

	/**
	 * Reads one variable from another process's environment, as it was when the process
	 * started.
	 * @param pid the process
	 * @param name the variable name
	 * @return the value, or empty when unset, unreadable or unsupported
	 */
	Optional<String> environmentVariable(long pid, String name);

	/**
	 * Sends a signal, but only if the pid still names the same process (its start time is
	 * unchanged).
	 * @param process the process identity
	 * @param signal the signal
	 * @return {@code true} if the signal was delivered, {@code false} when the process is
	 * gone or the pid now names another process
	 */
	boolean signal(ProcessId process, Signal signal);

	/**
	 * Pins a process, right after it was seen with this identity, so that signals sent
	 * through the pin reach it and never a process that later reuses its pid. On Linux
	 * 5.3+ the pin holds a pidfd, taken before the start time is checked once more: from
	 * then on the kernel guarantees the identity. Where pidfds are unavailable (older
	 * kernels, {@code pidfd_open} refused by a seccomp profile, descriptors exhausted)
	 * each signal checks the start time first, as {@link #signal(ProcessId, Signal)}
	 * does: a pid reused within the same start-time tick (10 ms on Linux), or between the
	 * check and the signal, could then be hit.
	 * @param process the identity, as just seen
	 * @return the pin, or empty when the process is gone or the pid already names another
	 * process
	 */
	default Optional<PinnedProcess> pin(ProcessId process) {
		boolean present = process(process.pid()).filter((info) -> info.startTime() == process.startTime()).isPresent();
		if (!present) {
			return Optional.empty();
		}
		return Optional.of(new PinnedProcess() {

			@Override
			public ProcessId id() {
				return process;
			}

			@Override
			public boolean signal(Signal signal) {
				return OperatingSystem.this.signal(process, signal);
			}

			@Override
			public void close() {
			}

		});
	}

	/**
	 * Tells whether this JVM is the init process (PID 1) of its PID namespace; reads
	 * {@code NSpid} from {@code /proc/self/status} on Linux.
	 * @return {@code true} when the JVM is PID 1
	 */
	boolean isPidOne();

	/**
	 * Turns the child subreaper flag of this JVM on or off
	 * ({@code prctl(PR_SET_CHILD_SUBREAPER)}).
	 * @param enabled the wanted state
	 * @return {@code true} if the call succeeded
	 */
	boolean setChildSubreaper(boolean enabled);

	/**
	 * Tells whether this JVM is a child subreaper
	 * ({@code prctl(PR_GET_CHILD_SUBREAPER)}).
	 * @return {@code true} when it is one
	 */
	boolean isChildSubreaper();

	/**
	 * Finds whether some child of this JVM is a zombie, without reaping it:
	 * {@code waitid(P_ALL, 0, WEXITED | WNOHANG | WNOWAIT)}. The kernel returns the same
	 * pid every time, so this is a cheap trigger, not a list.
	 * @return the pid of one zombie child, or empty when there is none (or reaping is
	 * unsupported)
	 */
	OptionalLong anyZombieChild();

	/**
	 * Tells whether a child has exited and waits to be reaped, without reaping it:
	 * {@code waitid(P_PID, pid, WEXITED | WNOHANG | WNOWAIT)}.
	 * @param pid the child
	 * @return {@code true} when it can be reaped now
	 */
	boolean isReapable(long pid);

	/**
	 * Reaps one exited child: {@code waitpid(pid, WNOHANG)}.
	 * @param pid the child
	 * @return its exit status, or empty when it has not exited or someone else reaped it
	 * ({@code ECHILD})
	 */
	Optional<ExitStatus> reap(long pid);

}
