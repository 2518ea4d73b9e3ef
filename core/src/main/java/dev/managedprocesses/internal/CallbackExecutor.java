package dev.managedprocesses.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where user code runs: completions of the futures a user sees, listener calls and line
 * callbacks. Not part of the public API.
 * <p>
 * The default is a cached pool of daemon threads named {@code process-callback-N},
 * unbounded so that one slow callback never holds another back (the common
 * {@code ForkJoinPool} has a parallelism of 1 on a 2-core machine, where every stage
 * would queue behind the slowest), and idle threads end after 30 seconds. The starter's
 * own threads (scheduler, stop loop, I/O loop, reaper) only hand work to it, as the JDK
 * completes {@code Process.onExit()} off its reaper threads.
 */
public final class CallbackExecutor {

	private static final AtomicInteger threads = new AtomicInteger();

	private CallbackExecutor() {
	}

	/**
	 * An executor that never refuses: what the given one rejects (it was shut down, or is
	 * saturated) runs on a short-lived daemon thread of its own, so a result or a
	 * listener call is never lost and never runs on the starter's threads.
	 * @param executor the executor to use first
	 * @return the executor
	 */
	public static Executor neverRejecting(Executor executor) {
		return (task) -> {
			try {
				executor.execute(task);
			}
			catch (RejectedExecutionException ex) {
				Thread thread = new Thread(task, "process-callback-late-" + threads.incrementAndGet());
				thread.setDaemon(true);
				thread.start();
			}
		};
	}

	/**
	 * A new default callback pool, owned (and shut down) by the caller.
	 * @return the pool
	 */
	public static ExecutorService newDefault() {
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), (task) -> {
			Thread thread = new Thread(task, "process-callback-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

}
