package dev.managedprocesses.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * One way to run processes, measured against the others: the starter, raw
 * {@link ProcessBuilder}, or a peer library, each used through its own API.
 */
interface Library extends AutoCloseable {

	String name();

	/** Starts {@code command} and waits for it; the output is not read. */
	int run(List<String> command) throws Exception;

	/** Starts {@code command}, captures its standard output, waits for it. */
	String capture(List<String> command) throws Exception;

	/**
	 * Starts a long-running {@code command} (output captured when the library does so by
	 * default).
	 */
	Running start(List<String> command) throws Exception;

	/**
	 * Runs {@code command} with a timeout through the library's own timeout support;
	 * returns when it does.
	 */
	void runWithTimeout(List<String> command, Duration timeout) throws Exception;

	@Override
	default void close() {
	}

	/**
	 * A started process.
	 */
	interface Running {

		long pid();

		/** Stops it the way the library offers (for most: the direct child only). */
		void stop() throws Exception;

		/** Waits until the direct child has ended. */
		void await() throws Exception;

		static Running of(long pid, Action stop, Action await) {
			return new Running() {
				@Override
				public long pid() {
					return pid;
				}

				@Override
				public void stop() throws Exception {
					stop.run();
				}

				@Override
				public void await() throws Exception {
					await.run();
				}
			};
		}

	}

	/**
	 * Something a library does to a started process.
	 */
	@FunctionalInterface
	interface Action {

		void run() throws Exception;

	}

}
