package dev.managedprocesses.internal.io;

/**
 * Where the bytes of one output stream go once the engine has read them. Called on the
 * thread that reads: the factory's I/O thread ({@link IoLoop}) or the caller of a
 * synchronous run ({@link PollWaiter}), one call at a time per sink, in order. An
 * implementation must not block: a bounded capture is fine, user callbacks are handed to
 * an executor (see {@link OutputSinks#lines}).
 */
public interface OutputSink {

	/**
	 * Takes bytes just read. The array is reused after the call returns: copy what you
	 * keep.
	 * @param bytes the buffer
	 * @param offset where the bytes start
	 * @param length how many, at least 1
	 */
	void accept(byte[] bytes, int offset, int length);

	/**
	 * The stream ended: end of file, or the process exited and what it wrote is read.
	 * Called once.
	 */
	void end();

}
