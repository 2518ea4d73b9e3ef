package dev.managedprocesses.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One daemon thread for a whole factory that waits with epoll on every captured pipe and
 * on a pidfd per running process: output is read when it arrives, an exit is seen when it
 * happens, nothing polls and no thread is spent per process.
 * <p>
 * When a process exits, what it wrote is already in its pipes: the loop reads until they
 * are empty, then closes its read ends and completes, even when a grandchild still holds
 * a write end (a grandchild flooding the pipe is cut off after
 * {@link #AFTER_EXIT_NANOS}). Sinks run on the loop thread and must not block; completion
 * callbacks run on the executor given at construction, never on the loop thread.
 * <p>
 * All state is owned by the loop thread: {@link #register} only queues and wakes it
 * through an eventfd.
 */
public final class IoLoop implements AutoCloseable {

	/** After an exit, how long the loop keeps reading a pipe that never runs empty. */
	static final long AFTER_EXIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	/** Bytes read from one pipe before the others get a turn. */
	private static final long FAIR_SHARE = 4 * ReadBuffer.SIZE;

	private static final int MAX_EVENTS = 256;

	private static final long WAKEUP = -1;

	private final Executor callbacks;

	private final int epfd;

	private final int wakeFd;

	private final ByteBuffer events = LinuxIo.allocate(MAX_EVENTS * LinuxIo.EPOLL_EVENT_SIZE);

	private final long eventsAddress = LinuxIo.address(this.events);

	private final ByteBuffer control = LinuxIo.allocate(LinuxIo.EPOLL_EVENT_SIZE);

	private final long controlAddress = LinuxIo.address(this.control);

	/**
	 * The constant 8-byte 1 every wake-up writes to the eventfd (never changes, so
	 * writers need no lock).
	 */
	private final ByteBuffer one = LinuxIo.allocate(8).putLong(0, 1);

	private final long oneAddress = LinuxIo.address(this.one);

	private final AtomicBoolean wakePending = new AtomicBoolean();

	private final ConcurrentLinkedQueue<Registration> exitReports = new ConcurrentLinkedQueue<>();

	private volatile int liveCount;

	private final ConcurrentLinkedQueue<Registration> incoming = new ConcurrentLinkedQueue<>();

	private final Thread thread;

	/**
	 * What each descriptor the loop waits on belongs to, indexed by descriptor number.
	 */
	private Object[] owners = new Object[1024];

	private final Set<Registration> live = Collections.newSetFromMap(new IdentityHashMap<>());

	private final ReadBuffer buffer = new ReadBuffer();

	private volatile boolean closed;

	private boolean descriptorsClosed;

	/**
	 * Starts a loop.
	 * @param name the thread name, e.g. {@code managed-processes-io}
	 * @param callbacks where completion callbacks run
	 * @throws IOException when epoll or eventfd cannot be created
	 */
	public IoLoop(String name, Executor callbacks) throws IOException {
		if (!CapturedPipes.available()) {
			throw new IllegalStateException(LinuxIo.failure());
		}
		this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
		this.epfd = LinuxIo.epoll_create1(LinuxIo.EPOLL_CLOEXEC);
		if (this.epfd < 0) {
			throw new IOException("epoll_create1 failed with errno " + LinuxIo.errno());
		}
		this.wakeFd = LinuxIo.eventfd(0, LinuxIo.EFD_CLOEXEC | LinuxIo.EFD_NONBLOCK);
		if (this.wakeFd < 0) {
			int errno = LinuxIo.errno();
			LinuxIo.close(this.epfd);
			throw new IOException("eventfd failed with errno " + errno);
		}
		add(this.wakeFd, WAKEUP);
		this.thread = new Thread(this::loop, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Hands a started process's read ends and pidfd to the loop, which owns and closes
	 * them from now on.
	 * @param pid the process id, for messages
	 * @param pidfd from {@link CapturedPipes#pidfd}: a pidfd, {@code -1} when the process
	 * already exited, or {@code -2} when the kernel has none: then call
	 * {@link Registration#exited()} when the process exits
	 * @param stdout the stdout read end, or -1
	 * @param stdoutSink its sink, or {@code null} to discard
	 * @param stderr the stderr read end, or -1
	 * @param stderrSink its sink, or {@code null} to discard
	 * @param onDrained called once on the callback executor when the process exited and
	 * its output is read and closed, with the first read or sink failure, or {@code null}
	 * @return the registration
	 */
	public Registration register(long pid, int pidfd, int stdout, OutputSink stdoutSink, int stderr,
			OutputSink stderrSink, Consumer<Throwable> onDrained) {
		Registration registration = new Registration(pid, pidfd, stdout, stdoutSink, stderr, stderrSink, onDrained);
		if (this.closed) {
			registration.abandon();
			this.callbacks.execute(() -> onDrained.accept(new IllegalStateException("I/O loop closed")));
			return registration;
		}
		this.incoming.add(registration);
		wake();
		if (this.closed && this.incoming.remove(registration)) {
			registration.abandon();
			this.callbacks.execute(() -> onDrained.accept(new IllegalStateException("I/O loop closed")));
		}
		return registration;
	}

	/**
	 * How many processes the loop follows now.
	 * @return the count, including registrations not picked up yet
	 */
	public int size() {
		return this.liveCount + this.incoming.size();
	}

	/**
	 * The loop thread, for tests and diagnostics.
	 * @return the thread
	 */
	public Thread thread() {
		return this.thread;
	}

	/**
	 * Ends the loop: every registration still open has its read ends closed, its sinks
	 * ended and its completion called with a failure; the thread ends; epoll and eventfd
	 * are closed.
	 */
	@Override
	public void close() {
		this.closed = true;
		wake();
		if (Thread.currentThread() != this.thread) {
			try {
				this.thread.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Wakes the loop unless a wake-up is already on its way: one eventfd write per batch
	 * of requests.
	 */
	private void wake() {
		if (this.wakePending.compareAndSet(false, true)) {
			// under the lock that closing takes: a write after close could hit a reused
			// descriptor number
			synchronized (this.one) {
				if (!this.descriptorsClosed) {
					LinuxIo.write(this.wakeFd, this.oneAddress, 8);
				}
			}
		}
	}

	private void loop() {
		try {
			while (!this.closed) {
				acceptIncoming();
				Registration reported;
				while ((reported = this.exitReports.poll()) != null) {
					reported.exitReportedNow();
				}
				int n = LinuxIo.epoll_wait(this.epfd, this.eventsAddress, MAX_EVENTS, -1);
				if (n < 0) {
					int errno = LinuxIo.errno();
					if (errno == LinuxIo.EINTR) {
						continue;
					}
					throw new IllegalStateException("epoll_wait failed with errno " + errno);
				}
				for (int i = 0; i < n; i++) {
					int base = i * LinuxIo.EPOLL_EVENT_SIZE;
					long data = this.events.getLong(base + LinuxIo.EPOLL_DATA_OFFSET);
					if (data == WAKEUP) {
						LinuxIo.read(this.wakeFd, this.buffer.address, 8);
						this.wakePending.set(false);
						continue;
					}
					Object owner = (data < this.owners.length) ? this.owners[(int) data] : null;
					if (owner instanceof Registration registration) {
						registration.ready((int) data);
					}
				}
			}
		}
		catch (Throwable ex) {
			this.closed = true;
			shutdown(ex);
			throw ex;
		}
		shutdown(new IllegalStateException("I/O loop closed"));
	}

	private void shutdown(Throwable reason) {
		Registration pending;
		while ((pending = this.incoming.poll()) != null) {
			this.live.add(pending);
		}
		for (Registration registration : new ArrayList<>(this.live)) {
			registration.complete(reason);
		}
		synchronized (this.one) {
			this.descriptorsClosed = true;
			LinuxIo.close(this.wakeFd);
			LinuxIo.close(this.epfd);
		}
	}

	private void acceptIncoming() {
		Registration registration;
		while ((registration = this.incoming.poll()) != null) {
			registration.start();
		}
	}

	private void add(int fd, long data) {
		this.control.putInt(0, LinuxIo.EPOLLIN);
		this.control.putLong(LinuxIo.EPOLL_DATA_OFFSET, data);
		if (LinuxIo.epoll_ctl(this.epfd, LinuxIo.EPOLL_CTL_ADD, fd, this.controlAddress) != 0) {
			throw new IllegalStateException("epoll_ctl(ADD, " + fd + ") failed with errno " + LinuxIo.errno());
		}
	}

	private void own(int fd, Object owner) {
		if (fd >= this.owners.length) {
			this.owners = Arrays.copyOf(this.owners, Math.max(fd + 1, this.owners.length * 2));
		}
		this.owners[fd] = owner;
	}

	/**
	 * One process followed by the loop. Its fields are touched by the loop thread only.
	 */
	public final class Registration {

		private final long pid;

		private int pidfd;

		private final PipeReader stdout;

		private final PipeReader stderr;

		private final Consumer<Throwable> onDrained;

		private volatile boolean exitReported;

		private boolean done;

		Registration(long pid, int pidfd, int stdout, OutputSink stdoutSink, int stderr, OutputSink stderrSink,
				Consumer<Throwable> onDrained) {
			this.pid = pid;
			this.pidfd = pidfd;
			this.stdout = (stdout >= 0) ? new PipeReader(stdout, stdoutSink) : null;
			this.stderr = (stderr >= 0) ? new PipeReader(stderr, stderrSink) : null;
			this.onDrained = Objects.requireNonNull(onDrained, "onDrained");
		}

		/**
		 * The process id.
		 * @return the pid
		 */
		public long pid() {
			return this.pid;
		}

		/**
		 * Reports the exit of a process registered without a pidfd (kernels before 5.3),
		 * e.g. from {@code Process.onExit()}. Harmless otherwise.
		 */
		public void exited() {
			if (!this.exitReported) {
				this.exitReported = true;
				IoLoop.this.exitReports.add(this);
				wake();
			}
		}

		private void exitReportedNow() {
			if (!this.done && this.pidfd == -2 && IoLoop.this.live.contains(this)) {
				processExited();
			}
		}

		private void start() {
			IoLoop.this.live.add(this);
			IoLoop.this.liveCount = IoLoop.this.live.size();
			try {
				watch(this.stdout);
				watch(this.stderr);
				if (this.pidfd >= 0) {
					own(this.pidfd, this);
					add(this.pidfd, this.pidfd);
				}
			}
			catch (Throwable ex) {
				complete(ex);
				return;
			}
			if (this.pidfd == -1) {
				processExited();
			}
			else if (this.pidfd == -2 && this.exitReported) {
				processExited();
			}
		}

		private void watch(PipeReader reader) {
			if (reader != null) {
				own(reader.fd, this);
				add(reader.fd, reader.fd);
			}
		}

		private void ready(int fd) {
			if (this.done) {
				return;
			}
			if (fd == this.pidfd) {
				processExited();
				return;
			}
			PipeReader reader = (this.stdout != null && this.stdout.fd == fd) ? this.stdout : this.stderr;
			if (reader.drain(IoLoop.this.buffer, FAIR_SHARE) == PipeReader.CLOSED) {
				IoLoop.this.owners[fd] = null;
			}
		}

		private void processExited() {
			long deadline = System.nanoTime() + AFTER_EXIT_NANOS;
			drainAfterExit(this.stdout, deadline);
			drainAfterExit(this.stderr, deadline);
			complete(null);
		}

		private void drainAfterExit(PipeReader reader, long deadline) {
			if (reader == null) {
				return;
			}
			while (reader.open() && reader.drain(IoLoop.this.buffer, FAIR_SHARE) == PipeReader.MORE
					&& System.nanoTime() - deadline < 0) {
				// keep going: what the process wrote before it exited is still coming out
				// of the pipe
			}
		}

		private void complete(Throwable reason) {
			if (this.done) {
				return;
			}
			this.done = true;
			IoLoop.this.live.remove(this);
			IoLoop.this.liveCount = IoLoop.this.live.size();
			Throwable failure = reason;
			failure = release(this.stdout, failure);
			failure = release(this.stderr, failure);
			if (this.pidfd >= 0) {
				IoLoop.this.owners[this.pidfd] = null;
				LinuxIo.close(this.pidfd);
				this.pidfd = -1;
			}
			Throwable result = failure;
			IoLoop.this.callbacks.execute(() -> this.onDrained.accept(result));
		}

		private Throwable release(PipeReader reader, Throwable failure) {
			if (reader == null) {
				return failure;
			}
			if (IoLoop.this.owners[reader.fd] == this) {
				IoLoop.this.owners[reader.fd] = null;
			}
			reader.finish();
			return (failure != null) ? failure : reader.failure();
		}

		/**
		 * Closes everything without the loop, for a registration the closed loop never
		 * took.
		 */
		private void abandon() {
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

}
