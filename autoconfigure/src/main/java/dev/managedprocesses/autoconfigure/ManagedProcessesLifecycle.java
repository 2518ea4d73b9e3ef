package dev.managedprocesses.autoconfigure;

import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.reaper.OrphanReaper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the reaper with the context and, on shutdown, stops every managed process tree (SIGTERM to all in
 * parallel, the grace period, then SIGKILL), then the reaper last, so that it reaps the orphans of the trees
 * it just saw die.
 */
public class ManagedProcessesLifecycle implements SmartLifecycle {

	/**
	 * Stops after the web server's graceful shutdown ({@code Integer.MAX_VALUE - 1024}) has drained the
	 * requests that may still be using processes, and before the web server itself stops
	 * ({@code Integer.MAX_VALUE - 2048}).
	 */
	public static final int PHASE = Integer.MAX_VALUE - 1536;

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

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		int live = this.factory.processes().size();
		if (live > 0) {
			logger.info("Stopping {} managed process trees (grace period {})", live, this.factory.settings().gracePeriod());
		}
		this.factory.shutdown().whenComplete((ignored, ex) -> {
			this.factory.close();
			// the reaper goes last: the trees just killed leave orphans for it
			reapLeftovers();
			this.reaper.close();
			callback.run();
		});
	}

	private void reapLeftovers() {
		if (this.reaper.status().active()) {
			try {
				TimeUnit.MILLISECONDS.sleep(2 * this.reaper.status().sweepInterval().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
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
