package dev.managedprocesses.internal.io;

import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.managedprocesses.internal.OutputCapture;

/**
 * The sinks the starter needs: a bounded capture (runs on the reading thread, never
 * blocks), lines for a user callback (cut on the reading thread, delivered in order on an
 * executor, so a slow callback never stalls the I/O thread), and a tee.
 */
public final class OutputSinks {

	private OutputSinks() {
	}

	/**
	 * Writes into a bounded capture.
	 * @param capture the capture
	 * @return the sink
	 */
	public static OutputSink capture(OutputCapture capture) {
		return new OutputSink() {

			@Override
			public void accept(byte[] bytes, int offset, int length) {
				capture.write(bytes, offset, length);
			}

			@Override
			public void end() {
			}

		};
	}

	/**
	 * Cuts the stream into lines and hands each, in order, to {@code callback} on
	 * {@code executor}. A line longer than 64 KiB is passed on in pieces; a last line
	 * without a newline is passed on at the end; a trailing {@code \r} is dropped. A
	 * callback that throws is switched off and {@code onFailure} is told.
	 * @param charset the charset of the lines
	 * @param callback the user's line callback
	 * @param executor where the callback runs (never the I/O thread)
	 * @param onFailure told once when the callback throws
	 * @return the sink
	 */
	public static OutputSink lines(Charset charset, Consumer<String> callback, Executor executor,
			Consumer<Throwable> onFailure) {
		return lines(charset, callback, executor, onFailure, null);
	}

	/**
	 * As {@link #lines(Charset, Consumer, Executor, Consumer)}, and tells when the last
	 * line was delivered.
	 * @param charset the charset of the lines
	 * @param callback the user's line callback
	 * @param executor where the callback runs (never the I/O thread)
	 * @param onFailure told once when the callback throws
	 * @param delivered run on the executor once the sink ended and every line before was
	 * handed to the callback (or dropped after it failed), or {@code null}
	 * @return the sink
	 */
	public static OutputSink lines(Charset charset, Consumer<String> callback, Executor executor,
			Consumer<Throwable> onFailure, Runnable delivered) {
		return new LineSink(charset, new SerialDelivery(callback, executor, onFailure, delivered));
	}

	/**
	 * Both sinks, first then second.
	 * @param first the first sink
	 * @param second the second sink
	 * @return the sink
	 */
	public static OutputSink tee(OutputSink first, OutputSink second) {
		return new OutputSink() {

			@Override
			public void accept(byte[] bytes, int offset, int length) {
				first.accept(bytes, offset, length);
				second.accept(bytes, offset, length);
			}

			@Override
			public void end() {
				first.end();
				second.end();
			}

		};
	}

	/**
	 * Cuts lines on the reading thread; the decoding and the callback happen on the
	 * executor.
	 */
	private static final class LineSink implements OutputSink {

		private static final int MAX_LINE = 64 * 1024;

		private final Charset charset;

		private final SerialDelivery delivery;

		/** Allocated on the first byte: a process that prints nothing costs nothing. */
		private byte[] buffer = new byte[0];

		private int length;

		LineSink(Charset charset, SerialDelivery delivery) {
			this.charset = charset;
			this.delivery = delivery;
		}

		@Override
		public void accept(byte[] bytes, int offset, int count) {
			int end = offset + count;
			int start = offset;
			for (int i = offset; i < end; i++) {
				if (bytes[i] == '\n') {
					append(bytes, start, i - start);
					emit();
					start = i + 1;
				}
			}
			append(bytes, start, end - start);
		}

		private void append(byte[] bytes, int offset, int count) {
			while (count > 0) {
				if (this.length == MAX_LINE) {
					emit();
				}
				int room = MAX_LINE - this.length;
				int chunk = Math.min(room, count);
				if (this.length + chunk > this.buffer.length) {
					this.buffer = Arrays.copyOf(this.buffer,
							Math.min(MAX_LINE, Math.max(this.length + chunk, Math.max(128, this.buffer.length * 2))));
				}
				System.arraycopy(bytes, offset, this.buffer, this.length, chunk);
				this.length += chunk;
				offset += chunk;
				count -= chunk;
			}
		}

		private void emit() {
			int end = this.length;
			if (end > 0 && this.buffer[end - 1] == '\r') {
				end--;
			}
			this.delivery.offer(Arrays.copyOf(this.buffer, end), this.charset);
			this.length = 0;
		}

		@Override
		public void end() {
			if (this.length > 0) {
				emit();
			}
			this.buffer = new byte[0];
			this.delivery.end();
		}

	}

	/**
	 * Runs a callback for each line, in order, one at a time, on an executor: a queue
	 * drained by at most one task at a time. The reading thread only enqueues.
	 */
	private static final class SerialDelivery implements Runnable {

		private final Consumer<String> callback;

		private final Executor executor;

		private final Consumer<Throwable> onFailure;

		private static final Object[] END = new Object[0];

		private final Queue<Object[]> pending = new ArrayDeque<>();

		private boolean scheduled;

		private volatile boolean failed;

		private final Runnable delivered;

		SerialDelivery(Consumer<String> callback, Executor executor, Consumer<Throwable> onFailure,
				Runnable delivered) {
			this.callback = callback;
			this.executor = executor;
			this.onFailure = onFailure;
			this.delivered = delivered;
		}

		/**
		 * After the last line: tells {@code delivered} once every line before it went
		 * out.
		 */
		void end() {
			if (this.delivered != null) {
				enqueue(END);
			}
		}

		void offer(byte[] line, Charset charset) {
			if (this.failed) {
				return;
			}
			enqueue(new Object[] { line, charset });
		}

		private void enqueue(Object[] item) {
			boolean schedule;
			synchronized (this) {
				this.pending.add(item);
				schedule = !this.scheduled;
				this.scheduled = true;
			}
			if (schedule) {
				this.executor.execute(this);
			}
		}

		@Override
		public void run() {
			while (true) {
				Object[] next;
				synchronized (this) {
					next = this.pending.poll();
					if (next == null) {
						this.scheduled = false;
						return;
					}
				}
				if (next == END) {
					this.delivered.run();
					continue;
				}
				if (this.failed) {
					continue;
				}
				try {
					this.callback.accept(new String((byte[]) next[0], (Charset) next[1]));
				}
				catch (Throwable ex) {
					this.failed = true;
					this.onFailure.accept(ex);
				}
			}
		}

	}

}
