package dev.managedprocesses.internal.io;

/**
 * Reads one non-blocking pipe read end into its sink. Owns the descriptor: closes it at
 * end of file or when told to finish. A sink that throws is dropped and its failure kept;
 * reading goes on so the child never blocks on a full pipe.
 */
final class PipeReader {

	/** What one {@link #drain} call ended on. */
	static final int MORE = 0;

	static final int EMPTY = 1;

	static final int CLOSED = 2;

	final int fd;

	private OutputSink sink;

	private boolean open = true;

	private Throwable failure;

	PipeReader(int fd, OutputSink sink) {
		this.fd = fd;
		this.sink = sink;
	}

	OutputSink sink() {
		return this.sink;
	}

	boolean open() {
		return this.open;
	}

	Throwable failure() {
		return this.failure;
	}

	/**
	 * Reads until the pipe is empty ({@link #EMPTY}), at end of file ({@link #CLOSED},
	 * descriptor closed and sink ended), or {@code maxBytes} were read ({@link #MORE}:
	 * the caller gives other pipes a turn).
	 */
	int drain(ReadBuffer buffer, long maxBytes) {
		long total = 0;
		while (this.open) {
			long n = LinuxIo.read(this.fd, buffer.address, ReadBuffer.SIZE);
			if (n > 0) {
				int count = (int) n;
				if (this.sink != null) {
					buffer.direct.get(0, buffer.heap, 0, count);
					try {
						this.sink.accept(buffer.heap, 0, count);
					}
					catch (Throwable ex) {
						sinkFailed(ex);
					}
				}
				total += count;
				if (total >= maxBytes) {
					return MORE;
				}
				if (count < ReadBuffer.SIZE) {
					// a pipe read returns less than asked only when it emptied the pipe:
					// skip the read that
					// would just say EAGAIN and go back to waiting (poll and epoll are
					// level-triggered)
					return EMPTY;
				}
			}
			else if (n == 0) {
				finish();
				return CLOSED;
			}
			else {
				int errno = LinuxIo.errno();
				if (errno == LinuxIo.EAGAIN) {
					return EMPTY;
				}
				if (errno != LinuxIo.EINTR) {
					if (this.failure == null) {
						this.failure = new java.io.IOException(
								"read from pipe " + this.fd + " failed with errno " + errno);
					}
					finish();
					return CLOSED;
				}
			}
		}
		return CLOSED;
	}

	/**
	 * Closes the read end (a grandchild may still hold the write end: that no longer
	 * matters) and ends the sink.
	 */
	void finish() {
		if (!this.open) {
			return;
		}
		this.open = false;
		LinuxIo.close(this.fd);
		if (this.sink != null) {
			try {
				this.sink.end();
			}
			catch (Throwable ex) {
				sinkFailed(ex);
			}
		}
	}

	private void sinkFailed(Throwable ex) {
		if (this.failure == null) {
			this.failure = ex;
		}
		this.sink = null;
	}

}
