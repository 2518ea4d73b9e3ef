package dev.managedprocesses.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.reaper.OrphanReaper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the reaper with the context and, on shutdown, stops every managed process tree
 * (SIGTERM to all in parallel, the grace period, then SIGKILL), then the reaper last, so
 * that it reaps the orphans of the trees it just saw die.
 * <p>
 * Follows the {@link SmartLifecycle} contract: {@link #stop()} returns only once
 * everything is stopped; {@link #stop(Runnable)} returns at once and always runs the
 * callback, even when stopping failed. The work after the trees are gone (closing the
 * factory, letting the reaper take the last orphans, closing it) runs on a thread of its
 * own, never on the thread that completed the shutdown (a starter thread, see issue 10
 * item 1).
 */
public class ManagedProcessesLifecycle implements SmartLifecycle {

	/**
	 * Stops after the web server's graceful shutdown ({@code Integer.MAX_VALUE - 1024})
	 * has drained the requests that may still be using processes, and before the web
	 * server itself stops ({@code Integer.MAX_VALUE - 2048}).
	 */
	public static final int PHASE = Integer.MAX_VALUE - 1536;

	/** At most this long to let the reaper take the orphans of the trees just stopped. */
	private static final Duration LEFTOVERS_LIMIT = Duration.ofSeconds(2);

	private static final Logger logger = LoggerFactory.getLogger(ManagedProcessesLifecycle.class);

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param factory the factory
	 * @param reaper the reaper
	 */
	public ManagedProcessesLifecycle(ManagedProcessFactory factory, OrphanReaper reaper) {
		this.factory = factory;
		this.reaper = reaper;
	}

	@Override
	public void start() {
		this.reaper.start();
		this.running = true;
	}

	/**
	 * Stops every tree and the reaper, and returns when that is done.
	 */
	@Override
	public void stop() {
		CountDownLatch done = new CountDownLatch(1);
		stop(done::countDown);
		try {
			done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		try {
			int live = this.factory.processes().size();
			if (live > 0) {
				logger.info("Stopping {} managed process trees (grace period {})", live,
						this.factory.settings().gracePeriod());
			}
			this.factory.shutdown().whenComplete((ignored, ex) -> finishInBackground(callback));
		}
		catch (RuntimeException | Error ex) {
			logger.warn("Stopping managed processes failed; closing what is left", ex);
			finishInBackground(callback);
		}
	}

	/**
	 * The rest of the stop, on a thread of its own: it waits, which a completion thread
	 * must never do.
	 */
	private void finishInBackground(Runnable callback) {
		Thread thread = new Thread(() -> {
			try {
				this.factory.close();
				// the reaper goes last: the trees just killed leave orphans for it
				reapLeftovers();
				this.reaper.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Closing managed processes failed", ex);
			}
			finally {
				callback.run();
			}
		}, "managed-processes-lifecycle-stop");
		thread.setDaemon(true);
		thread.start();
	}

	/** Lets the reaper sweep twice more after the trees are gone, within a bound. */
	private void reapLeftovers() {
		if (!this.reaper.status().active()) {
			return;
		}
		Instant from = Instant.now();
		long deadline = System.nanoTime() + LEFTOVERS_LIMIT.toNanos();
		int sweeps = 0;
		Optional<Instant> previous = this.reaper.status().lastSweep();
		while (sweeps < 2 && System.nanoTime() - deadline < 0) {
			Optional<Instant> last = this.reaper.status().lastSweep();
			if (last.isPresent() && last.get().isAfter(from) && !last.equals(previous)) {
				sweeps++;
				previous = last;
			}
			try {
				TimeUnit.MILLISECONDS.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
