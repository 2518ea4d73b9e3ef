package dev.managedprocesses.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where user code runs: completions of the futures a user sees, listener calls and line callbacks. Not part of
 * the public API.
 * <p>
 * The default is a cached pool of daemon threads named {@code process-callback-N}, unbounded so that one slow
 * callback never holds another back (the common {@code ForkJoinPool} has a parallelism of 1 on a 2-core
 * machine, where every stage would queue behind the slowest), and idle threads end after 30 seconds. The
 * starter's own threads (scheduler, stop loop, I/O loop, reaper) only hand work to it, as the JDK completes
 * {@code Process.onExit()} off its reaper threads.
 */
public final class CallbackExecutor {

	private static final AtomicInteger threads = new AtomicInteger();

	private CallbackExecutor() {
	}

	/**
	 * A new default callback pool, owned (and shut down) by the caller.
	 * @return the pool
	 */
	public static ExecutorService newDefault() {
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (task) -> {
					Thread thread = new Thread(task, "process-callback-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

}
