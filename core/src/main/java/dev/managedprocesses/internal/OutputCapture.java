package dev.managedprocesses.internal;

import java.nio.charset.Charset;

/**
 * Bounded capture of one output stream: keeps the first half of the limit and a ring of
 * the last half, so a child writing gigabytes costs no more memory than the limit. Thread
 * safe: written by the output pump, read for progress by anyone.
 * <p>
 * Internal: public only because the core's main package uses it; not part of the public
 * API.
 */
public final class OutputCapture {

	/**
	 * The head's limit; lowered to what could be allocated when memory runs out (see
	 * {@link #degraded}).
	 */
	private int limitHead;

	/** The tail's limit; lowered like {@link #limitHead}. */
	private int limitTail;

	/**
	 * Why the capture keeps less than asked (memory ran out growing a buffer); reported
	 * once.
	 */
	private Throwable degraded;

	private boolean degradationReported;

	private byte[] headBuffer = new byte[0];

	private byte[] tailBuffer = new byte[0];

	private int headLength;

	private int tailStart;

	private int tailLength;

	private long total;

	/**
	 * Creates a capture.
	 * @param limit the most bytes kept; 0 keeps nothing
	 */
	public OutputCapture(int limit) {
		this.limitHead = limit - limit / 2;
		this.limitTail = limit / 2;
	}

	/**
	 * Appends bytes.
	 * @param bytes the buffer
	 * @param offset where the bytes start
	 * @param length how many
	 */
	public synchronized void write(byte[] bytes, int offset, int length) {
		this.total += length;
		int toHead = Math.min(length, this.limitHead - this.headLength);
		if (toHead > 0 && !ensureHead(this.headLength + toHead)) {
			// memory ran out: keep what fits, the rest counts as omitted
			toHead = Math.min(toHead, this.limitHead - this.headLength);
		}
		if (toHead > 0) {
			System.arraycopy(bytes, offset, this.headBuffer, this.headLength, toHead);
			this.headLength += toHead;
			offset += toHead;
			length -= toHead;
		}
		if (length > 0 && this.limitTail > 0) {
			writeTail(bytes, offset, length);
		}
	}

	/**
	 * Grows the head towards {@code needed}; when memory runs out (a limit of
	 * {@code Integer.MAX_VALUE} asks for gigabytes), the capture degrades to truncation
	 * at what it holds instead of failing.
	 * @return {@code false} when it degraded
	 */
	private boolean ensureHead(int needed) {
		if (needed > this.headBuffer.length) {
			// small first (most processes print a line or two), doubling after: a few
			// copies for big outputs
			long doubled = Math.max(256L, this.headBuffer.length * 2L);
			int size = (int) Math.min(this.limitHead, Math.max(needed, doubled));
			try {
				this.headBuffer = java.util.Arrays.copyOf(this.headBuffer, size);
			}
			catch (OutOfMemoryError ex) {
				degrade(ex);
				return false;
			}
		}
		return true;
	}

	private void degrade(OutOfMemoryError ex) {
		this.limitHead = Math.max(this.headLength, this.headBuffer.length);
		this.limitTail = this.tailBuffer.length;
		this.tailLength = Math.min(this.tailLength, this.limitTail);
		if (this.degraded == null) {
			this.degraded = ex;
		}
	}

	/**
	 * Why the capture keeps less than its limit, once: memory ran out growing a buffer.
	 * @return the failure the first time it is asked after it happened, else {@code null}
	 */
	public synchronized Throwable takeDegradation() {
		if (this.degraded != null && !this.degradationReported) {
			this.degradationReported = true;
			return this.degraded;
		}
		return null;
	}

	private void writeTail(byte[] bytes, int offset, int length) {
		if (length >= this.limitTail) {
			// the new bytes alone fill the ring: keep their end
			if (this.tailBuffer.length < this.limitTail) {
				try {
					this.tailBuffer = new byte[this.limitTail];
				}
				catch (OutOfMemoryError ex) {
					degrade(ex);
					if (this.limitTail == 0) {
						return;
					}
				}
			}
			System.arraycopy(bytes, offset + length - this.limitTail, this.tailBuffer, 0, this.limitTail);
			this.tailStart = 0;
			this.tailLength = this.limitTail;
			return;
		}
		if (this.tailBuffer.length < this.limitTail && this.tailLength + length > this.tailBuffer.length) {
			// grow lazily: most processes never reach the tail
			int size = (int) Math.min(this.limitTail,
					Math.max(this.tailLength + length, Math.max(8192L, this.tailBuffer.length * 2L)));
			byte[] grown;
			try {
				grown = new byte[size];
			}
			catch (OutOfMemoryError ex) {
				degrade(ex);
				if (this.limitTail == 0) {
					return;
				}
				writeTail(bytes, offset, length);
				return;
			}
			copyTailInto(grown);
			this.tailBuffer = grown;
			this.tailStart = 0;
		}
		int capacity = this.tailBuffer.length;
		for (int i = 0; i < length;) {
			int end = (this.tailStart + this.tailLength) % capacity;
			if (this.tailLength == capacity) {
				// full ring: overwrite the oldest byte(s)
				int chunk = Math.min(length - i, capacity - this.tailStart);
				System.arraycopy(bytes, offset + i, this.tailBuffer, this.tailStart, chunk);
				this.tailStart = (this.tailStart + chunk) % capacity;
				i += chunk;
			}
			else {
				int chunk = Math.min(Math.min(length - i, capacity - this.tailLength), capacity - end);
				System.arraycopy(bytes, offset + i, this.tailBuffer, end, chunk);
				this.tailLength += chunk;
				i += chunk;
			}
		}
	}

	private void copyTailInto(byte[] target) {
		int capacity = this.tailBuffer.length;
		for (int i = 0; i < this.tailLength; i++) {
			target[i] = this.tailBuffer[(this.tailStart + i) % capacity];
		}
	}

	/**
	 * Tells whether bytes were left out.
	 * @return {@code true} when more than the limit was written
	 */
	public synchronized boolean truncated() {
		return this.total > this.headLength + this.tailLength;
	}

	/**
	 * How many bytes were written in all.
	 * @return the total
	 */
	public synchronized long total() {
		return this.total;
	}

	/**
	 * The captured text: head, then a line telling how much was left out (only when
	 * truncated), then tail.
	 * @param charset the charset
	 * @return the text
	 */
	public synchronized String text(Charset charset) {
		byte[] tailBytes = new byte[this.tailLength];
		copyTailInto(tailBytes);
		String head = new String(this.headBuffer, 0, this.headLength, charset);
		String tail = new String(tailBytes, charset);
		long omitted = this.total - this.headLength - this.tailLength;
		if (omitted > 0) {
			return head + "\n[... " + omitted + " bytes omitted ...]\n" + tail;
		}
		return head + tail;
	}

	/**
	 * The last characters captured so far.
	 * @param charset the charset
	 * @param maxChars how many characters at most
	 * @return the tail
	 */
	public String tail(Charset charset, int maxChars) {
		String text = text(charset);
		return (text.length() <= maxChars) ? text : text.substring(text.length() - maxChars);
	}

}
