package dev.managedprocesses.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * Drains the output streams of one process on one thread, so a child never blocks on a
 * full pipe and stdout and stderr cost one thread together, not one each.
 * <p>
 * It never blocks in {@code read()}: it reads only what {@link InputStream#available()}
 * says is there and, when nothing is, waits on the {@link Process} itself with a short
 * back-off, which wakes it at once when the process exits. That is why a grandchild that
 * keeps the pipe open cannot hang the pump: once the process has exited and what it wrote
 * is read, the pump closes the streams and ends (the JDK moves what is left in the pipe
 * into memory at exit, and our {@code available()} waits for that on the stream's lock).
 * <p>
 * Internal: public only because the core's main package uses it; not part of the public
 * API.
 */
public final class OutputPump implements Runnable {

	/**
	 * The first waits are short parks: a child streaming output refills the pipe within
	 * microseconds, and a millisecond of sleep per refill would halve its throughput.
	 * Waits of a millisecond and more wait on the process, so its exit ends them at once.
	 */
	private static final long MIN_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

	private static final long WAIT_ON_PROCESS_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/**
	 * Output seen this recently means the child is streaming and more is about to come.
	 */
	private static final long STREAMING_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(16);

	/**
	 * After the process exits, how long the pump keeps reading: long enough for what the
	 * process itself wrote, short enough that a background grandchild flooding the
	 * inherited pipe cannot hold the result.
	 */
	private static final long AFTER_EXIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final Process process;

	private final InputStream stdout;

	private final InputStream stderr;

	private final StreamSink stdoutSink;

	private final StreamSink stderrSink;

	private final FailureRecorder failures;

	private final Runnable done;

	private boolean stdoutOpen;

	/** Set after a failure: output is read and dropped until the process exits. */
	private volatile boolean discarding;

	private boolean stderrOpen;

	/**
	 * Creates a pump.
	 * @param process the process
	 * @param stdoutSink where standard output goes, or {@code null} when it is not piped
	 * @param stderrSink where standard error goes, or {@code null} when it is not piped
	 * @param failures where read failures go
	 * @param done called once when both streams are drained and closed
	 */
	public OutputPump(Process process, StreamSink stdoutSink, StreamSink stderrSink, FailureRecorder failures,
			Runnable done) {
		this.process = process;
		this.stdout = process.getInputStream();
		this.stderr = process.getErrorStream();
		this.stdoutSink = stdoutSink;
		this.stderrSink = stderrSink;
		this.failures = failures;
		this.done = done;
		this.stdoutOpen = stdoutSink != null;
		this.stderrOpen = stderrSink != null;
	}

	@Override
	public void run() {
		pump(false);
	}

	/**
	 * Drains until the process has exited and its streams are closed, or, when
	 * {@code yieldOnInterrupt}, until the calling thread is interrupted: then it returns
	 * {@code false} with the interrupt flag still set, and the pump can be handed to
	 * another thread that calls {@link #run()} to carry on where it stopped.
	 * @param yieldOnInterrupt whether an interrupt ends this call early
	 * @return {@code true} when finished, {@code false} when it yielded to an interrupt
	 */
	public boolean pump(boolean yieldOnInterrupt) {
		if (this.discarding) {
			// resumed after a failure (the first thread yielded to an interrupt): keep
			// discarding
			if (!discardUntilExit(yieldOnInterrupt)) {
				return false;
			}
			return drained();
		}
		byte[] buffer = new byte[64 * 1024];
		long backoff = MIN_BACKOFF_NANOS;
		long lastData = 0;
		try {
			while (true) {
				if (yieldOnInterrupt && Thread.currentThread().isInterrupted()) {
					return false;
				}
				int read = drainOnce(buffer);
				if (read > 0) {
					backoff = MIN_BACKOFF_NANOS;
					lastData = System.nanoTime();
					continue;
				}
				if (!this.process.isAlive()) {
					// the process has ended: what it wrote is in the pipe or in the JDK's
					// buffer now
					long deadline = System.nanoTime() + AFTER_EXIT_NANOS;
					while (drainOnce(buffer) > 0 && System.nanoTime() - deadline < 0) {
						// keep draining until nothing is left
					}
					break;
				}
				// park briefly only while output streams; otherwise wait on the process,
				// whose exit wakes us at once
				boolean streaming = lastData != 0 && System.nanoTime() - lastData < STREAMING_NANOS;
				if (!streaming) {
					backoff = Math.max(backoff, WAIT_ON_PROCESS_NANOS);
				}
				try {
					if (backoff < WAIT_ON_PROCESS_NANOS) {
						java.util.concurrent.locks.LockSupport.parkNanos(backoff);
						if (Thread.interrupted()) {
							throw new InterruptedException();
						}
					}
					else {
						this.process.waitFor(backoff, TimeUnit.NANOSECONDS);
					}
				}
				catch (InterruptedException ex) {
					if (yieldOnInterrupt) {
						Thread.currentThread().interrupt();
						return false;
					}
					// a pump thread of its own is never interrupted on purpose: keep
					// draining
				}
				backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
			}
		}
		catch (Throwable ex) {
			// a failure to pump is not an exit: record it, then keep the pipes drained
			// until the real exit
			this.failures.record(ex);
			if (!discardUntilExit(yieldOnInterrupt)) {
				return false;
			}
		}
		return drained();
	}

	/**
	 * After a failure: reads and drops what the child writes (so it never blocks on a
	 * full pipe) until it has exited. If even reading fails, the pipes are closed (the
	 * child's writes then fail instead of blocking) and the exit is awaited.
	 * @return {@code false} when it yielded to an interrupt (only when
	 * {@code yieldOnInterrupt})
	 */
	private boolean discardUntilExit(boolean yieldOnInterrupt) {
		this.discarding = true;
		byte[] buffer = new byte[8192];
		try {
			while (true) {
				int read = 0;
				if (this.stdoutOpen) {
					read += discard(this.stdout, buffer);
				}
				if (this.stderrOpen) {
					read += discard(this.stderr, buffer);
				}
				if (read > 0) {
					continue;
				}
				if (!this.process.isAlive()) {
					return true;
				}
				try {
					this.process.waitFor(MAX_BACKOFF_NANOS, TimeUnit.NANOSECONDS);
				}
				catch (InterruptedException ex) {
					if (yieldOnInterrupt) {
						Thread.currentThread().interrupt();
						return false;
					}
				}
			}
		}
		catch (Throwable ex) {
			this.failures.record(ex);
			closeQuietly(this.stdout);
			closeQuietly(this.stderr);
			while (true) {
				try {
					this.process.waitFor();
					return true;
				}
				catch (InterruptedException interrupted) {
					if (yieldOnInterrupt) {
						Thread.currentThread().interrupt();
						return false;
					}
				}
			}
		}
	}

	private int discard(InputStream in, byte[] buffer) throws IOException {
		int available = in.available();
		if (available <= 0) {
			return 0;
		}
		return Math.max(0, in.read(buffer, 0, Math.min(available, buffer.length)));
	}

	private int drainOnce(byte[] buffer) {
		int read = 0;
		if (this.stdoutOpen) {
			int n = drain(this.stdout, this.stdoutSink, buffer);
			if (n < 0) {
				this.stdoutOpen = false;
			}
			else {
				read += n;
			}
		}
		if (this.stderrOpen) {
			int n = drain(this.stderr, this.stderrSink, buffer);
			if (n < 0) {
				this.stderrOpen = false;
			}
			else {
				read += n;
			}
		}
		return read;
	}

	/** Reads what is available without blocking; -1 at end of stream or on failure. */
	private int drain(InputStream in, StreamSink sink, byte[] buffer) {
		try {
			int available = in.available();
			if (available <= 0) {
				return 0;
			}
			int n = in.read(buffer, 0, Math.min(available, buffer.length));
			if (n < 0) {
				return -1;
			}
			sink.write(buffer, n);
			return n;
		}
		catch (IOException ex) {
			if (this.process.isAlive()) {
				this.failures.record(new IOException("Reading output of pid " + this.process.pid() + " failed", ex));
			}
			return -1;
		}
	}

	private void finish(StreamSink sink) {
		if (sink != null) {
			sink.finish();
		}
	}

	private static void closeQuietly(InputStream in) {
		try {
			in.close();
		}
		catch (IOException ex) {
			// nothing left to do with a stream that fails to close
		}
	}

	/** Both streams ended: sinks told, pipes closed, the process told it is drained. */
	private boolean drained() {
		finish(this.stdoutSink);
		finish(this.stderrSink);
		closeQuietly(this.stdout);
		closeQuietly(this.stderr);
		this.done.run();
		return true;
	}

}
