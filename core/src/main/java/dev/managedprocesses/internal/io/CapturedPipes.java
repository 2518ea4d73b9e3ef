package dev.managedprocesses.internal.io;

import java.io.File;
import java.io.IOException;

/**
 * The pipes of one process whose output the engine reads, owned by us rather than by the
 * JDK and without reflection into it: {@code pipe2(O_CLOEXEC | O_NONBLOCK)} makes the
 * pipe, the JDK is handed its write end as
 * {@code redirectOutput(new File("/proc/self/fd/<write end>"))} (opening that path
 * reopens the pipe, as a fresh blocking write end for the child), and once
 * {@code start()} returns our write end is closed, so end of file arrives when the child
 * and whatever inherited its output close theirs. The JDK still spawns and still reaps.
 * Use: {@link #open}, {@link #redirect}, {@code start()}, then {@link #started} (or
 * {@link #close} when the start failed), then hand the read ends to an {@link IoLoop} or
 * a {@link PollWaiter}, which own and close them from then on.
 */
public final class CapturedPipes {

	private int stdoutRead = -1;

	private int stdoutWrite = -1;

	private int stderrRead = -1;

	private int stderrWrite = -1;

	private CapturedPipes() {
	}

	/**
	 * Tells whether the engine runs here: 64-bit Linux with JNA able to bind libc.
	 * @return {@code true} when available
	 */
	public static boolean available() {
		return unavailableReason() == null;
	}

	/**
	 * Why the engine does not run here.
	 * @return the reason, or {@code null} when {@link #available()}
	 */
	public static String unavailableReason() {
		try {
			return LinuxIo.failure();
		}
		catch (LinkageError ex) {
			return "JNA is not usable here: " + ex;
		}
	}

	/**
	 * Creates the pipes.
	 * @param stdout whether standard output is read
	 * @param stderr whether standard error is read (separately from standard output)
	 * @return the pipes
	 * @throws IOException when the pipes cannot be made (descriptor limit)
	 */
	public static CapturedPipes open(boolean stdout, boolean stderr) throws IOException {
		if (!available()) {
			throw new IllegalStateException(LinuxIo.failure());
		}
		CapturedPipes pipes = new CapturedPipes();
		try {
			int[] fds = new int[2];
			if (stdout) {
				pipe(fds);
				pipes.stdoutRead = fds[0];
				pipes.stdoutWrite = fds[1];
			}
			if (stderr) {
				pipe(fds);
				pipes.stderrRead = fds[0];
				pipes.stderrWrite = fds[1];
			}
			return pipes;
		}
		catch (IOException ex) {
			pipes.close();
			throw ex;
		}
	}

	private static void pipe(int[] fds) throws IOException {
		if (LinuxIo.pipe2(fds, LinuxIo.O_CLOEXEC | LinuxIo.O_NONBLOCK) != 0) {
			throw new IOException("pipe2 failed with errno " + LinuxIo.errno());
		}
	}

	/**
	 * Points the builder's standard output and/or error at our write ends.
	 * @param builder the builder
	 * @return the builder
	 */
	public ProcessBuilder redirect(ProcessBuilder builder) {
		if (this.stdoutWrite >= 0) {
			builder.redirectOutput(new File("/proc/self/fd/" + this.stdoutWrite));
		}
		if (this.stderrWrite >= 0) {
			builder.redirectError(new File("/proc/self/fd/" + this.stderrWrite));
		}
		return builder;
	}

	/**
	 * Closes our write ends: call once {@code start()} returned, so end of file can
	 * arrive.
	 */
	public void started() {
		this.stdoutWrite = closeQuietly(this.stdoutWrite);
		this.stderrWrite = closeQuietly(this.stderrWrite);
	}

	/**
	 * The read end of standard output.
	 * @return the descriptor, or -1 when not read
	 */
	public int stdout() {
		return this.stdoutRead;
	}

	/**
	 * The read end of standard error.
	 * @return the descriptor, or -1 when not read
	 */
	public int stderr() {
		return this.stderrRead;
	}

	/**
	 * Closes every end still open: for a start that failed, before the read ends were
	 * handed on.
	 */
	public void close() {
		started();
		this.stdoutRead = closeQuietly(this.stdoutRead);
		this.stderrRead = closeQuietly(this.stderrRead);
	}

	static int closeQuietly(int fd) {
		if (fd >= 0) {
			LinuxIo.close(fd);
		}
		return -1;
	}

	/**
	 * Opens a pidfd for a process just started, or tells that it already exited: when the
	 * process is still alive after {@code pidfd_open}, the JDK has not reaped it, so the
	 * pid cannot have been reused and the pidfd is the child's.
	 * @param process the process
	 * @return the pidfd; {@code -1} when the process already exited; {@code -2} when the
	 * kernel has no pidfds (before 5.3): then the caller reports the exit itself
	 * ({@link IoLoop.Registration#exited()})
	 */
	public static int pidfd(Process process) {
		int pidfd = LinuxIo.pidfdOpen(process.pid());
		if (pidfd < 0) {
			return (LinuxIo.errno() == LinuxIo.ESRCH) ? -1 : -2;
		}
		if (!process.isAlive()) {
			LinuxIo.close(pidfd);
			return -1;
		}
		return pidfd;
	}

}
