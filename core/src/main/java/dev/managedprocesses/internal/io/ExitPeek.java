package dev.managedprocesses.internal.io;

/**
 * Reads a child's exit status through its pidfd without reaping it
 * ({@code waitid(P_PIDFD, WEXITED | WNOWAIT | WNOHANG)}): the zombie stays for the JDK's
 * own reaper thread, which still collects it and completes {@link Process#onExit()}, so
 * no exit status is ever taken from the JDK. A synchronous run learns the exit code when
 * the kernel wakes it for the pidfd, instead of waiting for the JDK's thread to wake,
 * reap and notify.
 */
final class ExitPeek {

	private ExitPeek() {
	}

	/**
	 * The exit code as the JDK reports it: the status for a normal exit, 128 plus the
	 * signal number for a death by signal.
	 * @param pidfd the child's pidfd, readable (the child has exited)
	 * @param scratch at least {@link LinuxIo#SIGINFO_SIZE} bytes of native memory
	 * @return the exit code, or {@code -1} when the kernel tells none (no {@code P_PIDFD}
	 * before Linux 5.4, not yet exited, already reaped)
	 */
	static int exitCode(int pidfd, long scratch) {
		com.sun.jna.Pointer info = new com.sun.jna.Pointer(scratch);
		info.setMemory(0, LinuxIo.SIGINFO_SIZE, (byte) 0);
		int rc = LinuxIo.waitid(LinuxIo.P_PIDFD, pidfd, scratch, LinuxIo.WEXITED | LinuxIo.WNOWAIT | LinuxIo.WNOHANG);
		if (rc != 0 || info.getInt(LinuxIo.SI_PID) == 0) {
			return -1;
		}
		int status = info.getInt(LinuxIo.SI_STATUS);
		return (info.getInt(LinuxIo.SI_CODE) == LinuxIo.CLD_EXITED) ? status : 0x80 + status;
	}

}
