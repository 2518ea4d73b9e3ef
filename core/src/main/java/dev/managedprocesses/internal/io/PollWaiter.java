package dev.managedprocesses.internal.io;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Waits for one process in the calling thread with {@code poll()} on its own pipes and
 * pidfd, draining into the same sinks as the {@link IoLoop}: a synchronous run costs no
 * thread and no thread switch. It ends by the same rule: once the process exited, what is
 * in the pipes is read, the read ends are closed and the wait returns, even when a
 * grandchild still holds a pipe. After every pipe reached end of file it goes on waiting
 * for the pidfd alone (readable a moment after the pipes hang up), then reads the exit
 * status without reaping ({@link #exitCode()}): the kernel wakes the caller once, instead
 * of the caller waiting for the JDK's reaper thread to wake, reap and notify.
 * <p>
 * Not thread safe: one thread waits. The waiter owns the descriptors given to it;
 * {@link #close()} releases whatever is still open (for a run abandoned midway).
 */
public final class PollWaiter implements AutoCloseable {

	/**
	 * A native {@code poll()} does not see {@link Thread#interrupt()}: it wakes this
	 * often to look, which costs nothing measurable and keeps {@link #await}
	 * interruptible.
	 */
	private static final int INTERRUPT_CHECK_MILLIS = 100;

	private final int pidfd;

	private int exitCode = -1;

	private final PipeReader stdout;

	private final PipeReader stderr;

	private boolean exited;

	/** How many times {@code poll()} was called, for tests: each call is a wake-up. */
	private int polls;

	private boolean done;

	/**
	 * Creates a waiter that owns the given descriptors.
	 * @param pidfd from {@link CapturedPipes#pidfd}: a pidfd, or {@code -1} when the
	 * process already exited ({@code -2}, no pidfd support, is not accepted: use
	 * {@link IoLoop} or the portable pump there)
	 * @param stdout the stdout read end, or -1
	 * @param stdoutSink its sink, or {@code null} to discard
	 * @param stderr the stderr read end, or -1
	 * @param stderrSink its sink, or {@code null} to discard
	 */
	public PollWaiter(int pidfd, int stdout, OutputSink stdoutSink, int stderr, OutputSink stderrSink) {
		if (pidfd < -1) {
			throw new IllegalArgumentException("PollWaiter needs a pidfd (kernel 5.3+), got " + pidfd);
		}
		this.pidfd = pidfd;
		this.stdout = (stdout >= 0) ? new PipeReader(stdout, stdoutSink) : null;
		this.stderr = (stderr >= 0) ? new PipeReader(stderr, stderrSink) : null;
		this.exited = pidfd == -1;
	}

	/**
	 * Waits until the output is read and closed (at end of file, or once the process
	 * exited), or the timeout passed. It may return before the process exited: the caller
	 * waits for the exit status.
	 * @param timeout how long at most; negative waits without limit
	 * @param unit the unit of the timeout
	 * @return {@code true} when done, {@code false} when the timeout passed first (call
	 * again to go on)
	 * @throws InterruptedException when the thread is interrupted; the waiter can be
	 * awaited again
	 */
	public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
		if (this.done) {
			return true;
		}
		long nanos = (timeout < 0) ? Long.MAX_VALUE : unit.toNanos(timeout);
		// a wait of centuries is a wait without limit (and would overflow the deadline)
		long deadline = (nanos >= Long.MAX_VALUE / 2) ? Long.MAX_VALUE : System.nanoTime() + nanos;
		ReadBuffer buffer = ReadBuffer.borrow();
		try {
			// at end of file the process is still exiting: the wait goes on for the
			// pidfd,
			// which wakes this thread directly when the exit status is there (waiting for
			// the JDK instead takes one more thread's wake-up)
			while (!this.exited && !(outputEnded() && this.pidfd < 0)) {
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
				ByteBuffer fds = buffer.pollfds;
				int count = 0;
				count = slot(fds, count, (this.stdout != null && this.stdout.open()) ? this.stdout.fd : -1);
				count = slot(fds, count, (this.stderr != null && this.stderr.open()) ? this.stderr.fd : -1);
				count = slot(fds, count, this.pidfd);
				int millis = INTERRUPT_CHECK_MILLIS;
				if (deadline != Long.MAX_VALUE) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return false;
					}
					// rounded up, so a wait shorter than a millisecond does not spin
					millis = (int) Math.min(INTERRUPT_CHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
				}
				this.polls++;
				int n = LinuxIo.poll(buffer.pollfdsAddress, count, millis);
				if (n < 0) {
					int errno = LinuxIo.errno();
					if (errno == LinuxIo.EINTR) {
						continue;
					}
					throw new IllegalStateException("poll failed with errno " + errno);
				}
				for (int i = 0; i < count && n > 0; i++) {
					int base = i * LinuxIo.POLLFD_SIZE;
					if (fds.getShort(base + 6) == 0) {
						continue;
					}
					int fd = fds.getInt(base);
					if (fd == this.pidfd) {
						this.exited = true;
					}
					else {
						reader(fd).drain(buffer, Long.MAX_VALUE);
					}
				}
			}
			long afterExit = System.nanoTime() + IoLoop.AFTER_EXIT_NANOS;
			drainAfterExit(this.stdout, buffer, afterExit);
			drainAfterExit(this.stderr, buffer, afterExit);
			if (this.pidfd >= 0) {
				this.exitCode = ExitPeek.exitCode(this.pidfd, buffer.address);
			}
			close();
			return true;
		}
		finally {
			ReadBuffer.giveBack(buffer);
		}
	}

	/**
	 * Hands what is still open to the I/O loop, for a run whose caller stops waiting
	 * (timed out and went on asynchronously, or interrupted): the same sinks carry on
	 * from where they are. The waiter is done afterwards.
	 * @param loop the loop
	 * @param pid the process id, for messages
	 * @param onDrained as for {@link IoLoop#register}
	 * @return the registration
	 */
	public IoLoop.Registration handOff(IoLoop loop, long pid, java.util.function.Consumer<Throwable> onDrained) {
		if (this.done) {
			throw new IllegalStateException("PollWaiter for pid " + pid + " is already done");
		}
		this.done = true;
		boolean outOpen = this.stdout != null && this.stdout.open();
		boolean errOpen = this.stderr != null && this.stderr.open();
		return loop.register(pid, this.pidfd, outOpen ? this.stdout.fd : -1, outOpen ? this.stdout.sink() : null,
				errOpen ? this.stderr.fd : -1, errOpen ? this.stderr.sink() : null, onDrained);
	}

	/**
	 * The first read or sink failure, once done.
	 * @return the failure, or {@code null}
	 */
	public Throwable failure() {
		Throwable failure = (this.stdout != null) ? this.stdout.failure() : null;
		return (failure != null || this.stderr == null) ? failure : this.stderr.failure();
	}

	/**
	 * How many times this waiter called {@code poll()}: a wait without limit wakes only
	 * for events and for the interrupt check, never in a busy loop.
	 * @return the count
	 */
	int polls() {
		return this.polls;
	}

	/**
	 * Whether every pipe reached end of file; {@code false} without pipes, where only the
	 * exit ends the wait.
	 */
	private boolean outputEnded() {
		return (this.stdout != null || this.stderr != null) && (this.stdout == null || !this.stdout.open())
				&& (this.stderr == null || !this.stderr.open());
	}

	private static int slot(ByteBuffer fds, int count, int fd) {
		if (fd < 0) {
			return count;
		}
		int base = count * LinuxIo.POLLFD_SIZE;
		fds.putInt(base, fd);
		fds.putShort(base + 4, LinuxIo.POLLIN);
		fds.putShort(base + 6, (short) 0);
		return count + 1;
	}

	private PipeReader reader(int fd) {
		return (this.stdout != null && this.stdout.fd == fd) ? this.stdout : this.stderr;
	}

	private static void drainAfterExit(PipeReader reader, ReadBuffer buffer, long deadline) {
		if (reader == null) {
			return;
		}
		while (reader.open() && reader.drain(buffer, 4L * ReadBuffer.SIZE) == PipeReader.MORE
				&& System.nanoTime() - deadline < 0) {
			// what the process wrote before it exited is still coming out of the pipe
		}
	}

	/**
	 * The exit code read from the pidfd without reaping (as the JDK will report it), once
	 * {@link #await} is done; {@code -1} when unknown (the process had exited before the
	 * pidfd was opened, or the kernel cannot tell): then ask the JDK.
	 * @return the exit code or {@code -1}
	 */
	public int exitCode() {
		return this.exitCode;
	}

	/** Closes the read ends still open (ending their sinks) and the pidfd. */
	@Override
	public void close() {
		if (this.done) {
			return;
		}
		this.done = true;
		if (this.stdout != null) {
			this.stdout.finish();
		}
		if (this.stderr != null) {
			this.stderr.finish();
		}
		if (this.pidfd >= 0) {
			LinuxIo.close(this.pidfd);
		}
	}

}
