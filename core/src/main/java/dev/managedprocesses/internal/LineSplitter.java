package dev.managedprocesses.internal;

import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines for a callback. A line longer than {@link #MAX_LINE} is passed on in pieces,
 * so a child that never writes a newline cannot make the buffer grow without bound. Not thread safe: fed
 * by the one pump thread of its process.
 */
final class LineSplitter {

	static final int MAX_LINE = 64 * 1024;

	private final Charset charset;

	private final Consumer<String> lines;

	private byte[] buffer = new byte[256];

	private int length;

	LineSplitter(Charset charset, Consumer<String> lines) {
		this.charset = charset;
		this.lines = lines;
	}

	void write(byte[] bytes, int offset, int count) {
		for (int i = offset; i < offset + count; i++) {
			byte b = bytes[i];
			if (b == '\n') {
				emit();
			}
			else {
				if (this.length == this.buffer.length) {
					if (this.length >= MAX_LINE) {
						emit();
					}
					else {
						this.buffer = Arrays.copyOf(this.buffer, Math.min(MAX_LINE, this.buffer.length * 2));
					}
				}
				this.buffer[this.length++] = b;
			}
		}
	}

	/** Passes on a last line that had no newline. */
	void finish() {
		if (this.length > 0) {
			emit();
		}
	}

	private void emit() {
		int end = this.length;
		if (end > 0 && this.buffer[end - 1] == '\r') {
			end--;
		}
		String line = new String(this.buffer, 0, end, this.charset);
		this.length = 0;
		this.lines.accept(line);
	}

}
