package dev.managedprocesses.os;

import java.util.Optional;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libc calls the starter needs on Linux, through JNA.
 * <p>
 * Which calls are made, and which are never made, matters: this class offers no
 * {@code wait()}, no {@code waitpid(-1)} and no {@code waitid(P_ALL)} without
 * {@code WNOWAIT}, because any of them would race the JDK's own reaper threads and make
 * {@link Process#waitFor()} report exit code 0 for a child it did not reap.
 */
final class LinuxNative {

	private static final Logger logger = LoggerFactory.getLogger(LinuxNative.class);

	static final int P_ALL = 0;

	static final int P_PID = 1;

	static final int WNOHANG = 1;

	static final int WEXITED = 4;

	static final int WNOWAIT = 0x01000000;

	static final int PR_SET_CHILD_SUBREAPER = 36;

	static final int PR_GET_CHILD_SUBREAPER = 37;

	static final int ESRCH = 3;

	static final int ECHILD = 10;

	static final int ENOSYS = 38;

	static final int EPERM = 1;

	static final int EACCES = 13;

	/** {@code pidfd_open} has the same number on every architecture since Linux 5.3. */
	static final long SYS_PIDFD_OPEN = 434;

	/**
	 * {@code pidfd_send_signal} has the same number on every architecture since Linux
	 * 5.1.
	 */
	static final long SYS_PIDFD_SEND_SIGNAL = 424;

	/**
	 * {@code siginfo_t} is 128 bytes on Linux. {@code si_pid} follows three ints
	 * ({@code si_signo}, {@code si_errno}, {@code si_code}) and the union after them is
	 * aligned for pointers: offset 16 on 64-bit platforms, 12 on 32-bit ones.
	 */
	private static final int SIGINFO_SIZE = 128;

	static final int SIGINFO_PID_OFFSET = siginfoPidOffset(Native.POINTER_SIZE);

	private final CLibrary libc;

	private final String failure;

	/**
	 * Cleared when {@code pidfd_open} is not supported or not allowed; from then on
	 * signals use kill(2).
	 */
	private volatile boolean pidfdUsable = true;

	private volatile boolean pidfdFailureLogged;

	LinuxNative(CLibrary libc, String failure) {
		this.libc = libc;
		this.failure = failure;
	}

	static int siginfoPidOffset(int pointerSize) {
		int afterHeader = 3 * Integer.BYTES;
		return (afterHeader + pointerSize - 1) / pointerSize * pointerSize;
	}

	/**
	 * Loads libc through JNA. Never throws: a failure is logged once and reported by
	 * {@link #failure()}.
	 * @return the native calls, possibly unavailable
	 */
	static LinuxNative load() {
		try {
			CLibrary libc = Native.load("c", CLibrary.class);
			return new LinuxNative(libc, null);
		}
		catch (Throwable ex) {
			String reason = "JNA could not load libc (" + ex + "): reaper and child subreaper are unavailable";
			logger.warn(reason);
			return new LinuxNative(null, reason);
		}
	}

	boolean available() {
		return this.libc != null;
	}

	Optional<String> failure() {
		return Optional.ofNullable(this.failure);
	}

	/**
	 * Tells whether signals still go through pidfds (no {@code pidfd_open} error other
	 * than ESRCH yet).
	 */
	boolean pidfdUsable() {
		return this.pidfdUsable;
	}

	/**
	 * {@code pidfd_open(pid, 0)}.
	 * @return the pidfd ({@code >= 0}); {@link #GONE} when there is no such process;
	 * {@link #NO_PIDFD} on any other error (logged once): the caller falls back to
	 * {@code kill(2)}. After {@code ENOSYS}, {@code EPERM} or {@code EACCES} later calls
	 * answer {@link #NO_PIDFD} at once
	 */
	int pidfdOpen(long pid) {
		if (!this.pidfdUsable) {
			return NO_PIDFD;
		}
		try {
			return (int) this.libc.syscall(SYS_PIDFD_OPEN, pid, 0L);
		}
		catch (LastErrorException ex) {
			int errno = ex.getErrorCode();
			if (errno == ESRCH) {
				return GONE;
			}
			// not supported or not allowed (seccomp) stays so; running out of descriptors
			// may pass
			boolean forGood = errno == ENOSYS || errno == EPERM || errno == EACCES;
			if (!this.pidfdFailureLogged) {
				this.pidfdFailureLogged = true;
				logger.info(
						"pidfd_open failed with errno {}: signals go through kill(2) after a start time check "
								+ "{}, so a pid reused within one clock tick could be hit",
						errno, forGood ? "from now on" : "while it fails");
			}
			if (forGood) {
				this.pidfdUsable = false;
			}
			return NO_PIDFD;
		}
	}

	/** No such process. */
	static final int GONE = -1;

	/** pidfds are not usable here. */
	static final int NO_PIDFD = -2;

	/**
	 * {@code pidfd_send_signal(pidfd, signal, NULL, 0)}.
	 * @return {@code true} if delivered, {@code false} when the process has exited (or on
	 * any error)
	 */
	boolean pidfdSendSignal(int pidfd, int signal) {
		try {
			this.libc.syscall(SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal, 0L, 0L);
			return true;
		}
		catch (LastErrorException ex) {
			return false;
		}
	}

	void close(int fd) {
		this.libc.close(fd);
	}

	/**
	 * Sends one signal to a pid. When pidfds work, the pid is pinned with
	 * {@code pidfd_open} before {@code stillSame} checks its identity, so the signal
	 * cannot reach a process that reused the pid after the check; otherwise
	 * {@code kill(2)} follows the check.
	 * @return {@code true} if delivered
	 */
	boolean signal(long pid, int signal, java.util.function.BooleanSupplier stillSame) {
		int pidfd = pidfdOpen(pid);
		if (pidfd == GONE) {
			return false;
		}
		if (pidfd == NO_PIDFD) {
			return signalWithKill(pid, signal, stillSame);
		}
		try {
			return stillSame.getAsBoolean() && pidfdSendSignal(pidfd, signal);
		}
		finally {
			close(pidfd);
		}
	}

	boolean signalWithKill(long pid, int signal, java.util.function.BooleanSupplier stillSame) {
		if (!stillSame.getAsBoolean()) {
			return false;
		}
		try {
			this.libc.kill((int) pid, signal);
			return true;
		}
		catch (LastErrorException ex) {
			return false;
		}
	}

	boolean setChildSubreaper(boolean enabled) {
		try {
			this.libc.prctl(PR_SET_CHILD_SUBREAPER, enabled ? 1 : 0, 0, 0, 0);
			return true;
		}
		catch (LastErrorException ex) {
			logger.warn("prctl(PR_SET_CHILD_SUBREAPER) failed with errno {}", ex.getErrorCode());
			return false;
		}
	}

	boolean isChildSubreaper() {
		try (Memory value = new Memory(4)) {
			value.setInt(0, 0);
			this.libc.prctl(PR_GET_CHILD_SUBREAPER, com.sun.jna.Pointer.nativeValue(value), 0, 0, 0);
			return value.getInt(0) != 0;
		}
		catch (LastErrorException ex) {
			return false;
		}
	}

	/**
	 * {@code waitid(idtype, id, WEXITED | WNOHANG | WNOWAIT)}: looks without reaping.
	 * @return the pid of a waitable child, {@code 0} when none has exited, {@code -1} on
	 * error (no children)
	 */
	long peekExited(int idType, long id) {
		try (Memory siginfo = new Memory(SIGINFO_SIZE)) {
			siginfo.clear();
			this.libc.waitid(idType, (int) id, siginfo, WEXITED | WNOHANG | WNOWAIT);
			return siginfo.getInt(SIGINFO_PID_OFFSET);
		}
		catch (LastErrorException ex) {
			return -1;
		}
	}

	/**
	 * {@code waitpid(pid, WNOHANG)} for one specific pid.
	 * @return the raw status, or empty when not exited yet or not our child any more
	 */
	Optional<Integer> reap(long pid) {
		IntByReference status = new IntByReference();
		try {
			int result = this.libc.waitpid((int) pid, status, WNOHANG);
			return (result == pid) ? Optional.of(status.getValue()) : Optional.empty();
		}
		catch (LastErrorException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The libc functions, mapped by JNA. Each declares {@link LastErrorException} so
	 * errno is reported.
	 */
	public interface CLibrary extends Library {

		int kill(int pid, int signal) throws LastErrorException;

		int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

		int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

		int waitid(int idType, int id, com.sun.jna.Pointer siginfo, int options) throws LastErrorException;

		long syscall(long number, Object... args) throws LastErrorException;

		int close(int fd);

	}

}
