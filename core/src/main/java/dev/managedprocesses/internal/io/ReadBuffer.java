package dev.managedprocesses.internal.io;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A native buffer that {@code read(2)} fills and the heap array the sinks get, reused:
 * the I/O thread owns one for its life, synchronous runs borrow one from a small pool so
 * a run allocates nothing.
 */
final class ReadBuffer {

	static final int SIZE = 64 * 1024;

	private static final int POOLED = 8;

	private static final ConcurrentLinkedQueue<ReadBuffer> pool = new ConcurrentLinkedQueue<>();

	private static final AtomicInteger pooled = new AtomicInteger();

	final ByteBuffer direct = LinuxIo.allocate(SIZE);

	final long address = LinuxIo.address(this.direct);

	final byte[] heap = new byte[SIZE];

	/**
	 * Room for the {@code struct pollfd}s of a {@link PollWaiter} (3 at most), so a run
	 * allocates none.
	 */
	final ByteBuffer pollfds = LinuxIo.allocate(4 * LinuxIo.POLLFD_SIZE);

	final long pollfdsAddress = LinuxIo.address(this.pollfds);

	static ReadBuffer borrow() {
		ReadBuffer buffer = pool.poll();
		if (buffer == null) {
			return new ReadBuffer();
		}
		pooled.decrementAndGet();
		return buffer;
	}

	static void giveBack(ReadBuffer buffer) {
		if (pooled.incrementAndGet() <= POOLED) {
			pool.offer(buffer);
		}
		else {
			pooled.decrementAndGet();
		}
	}

}
