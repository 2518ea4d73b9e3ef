package dev.managedprocesses;

/**
 * How one process's exit and captured output are followed until both are done: by the
 * event-driven engine on Linux ({@link EngineWatch}), or by the portable pump and the
 * JDK's exit notification ({@link PumpWatch}). Either way {@code done} is called exactly
 * once, when the process has exited, its output is read and closed, and every line was
 * handed to the line callbacks.
 */
interface ProcessWatch {

	/**
	 * Follows the process without blocking the caller.
	 * @param done called once when the process exited and its output is drained
	 */
	void inBackground(Runnable done);

	/**
	 * Follows the process in the calling thread until done, or until the caller is
	 * interrupted: then the watch moves to the background (so the process stays drained
	 * and tracked) and {@code false} is answered with the interrupt flag cleared.
	 * @param done called once when the process exited and its output is drained
	 * @return {@code true} when {@code done} was called, {@code false} when interrupted
	 */
	boolean inCallingThread(Runnable done);

	/**
	 * Tells whether output is read: when not, the exit alone is what is waited for.
	 * @return {@code true} when a stream is captured
	 */
	boolean readsOutput();

	/**
	 * The exit code, when the watch learnt it without the JDK (read from a pidfd without
	 * reaping: the JDK still collects the same status later).
	 * @return the exit code, or empty: then the JDK's {@link Process#waitFor()} tells
	 */
	default java.util.OptionalInt exitCode() {
		return java.util.OptionalInt.empty();
	}

}
