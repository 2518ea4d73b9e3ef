package dev.managedprocesses.autoconfigure;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.reaper.OrphanReaper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link OrphanReaper} with the application context and, when the context closes, stops every managed
 * process tree in parallel ({@code SIGTERM}, grace period, {@code SIGKILL}), closes the factory and closes the
 * reaper last, so that it keeps reaping while the orphans of killed trees die.
 */
public class ManagedProcessesLifecycle implements SmartLifecycle, DisposableBean {

	/**
	 * The phase of this lifecycle. Lower phases stop later. The web server's graceful shutdown stops at
	 * {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE} ({@code DEFAULT_PHASE - 1024}) and the web
	 * server itself at {@code DEFAULT_PHASE - 2048}; stopping below both means requests in flight can still use
	 * their processes while they drain, and no new request can start one after the trees are stopped.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(ManagedProcessesLifecycle.class);

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private volatile boolean running;

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Creates the lifecycle.
	 * @param factory the factory to shut down
	 * @param reaper the reaper to start and close
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
		// Only called when stop(Runnable) is not: stop synchronously.
		this.factory.shutdown().join();
		close();
	}

	@Override
	public void stop(Runnable callback) {
		this.factory.shutdown().whenComplete((result, failure) -> {
			try {
				if (failure != null) {
					logger.warn("Stopping managed processes failed", failure);
				}
				close();
			}
			finally {
				callback.run();
			}
		});
	}

	@Override
	public void destroy() {
		// The context may close without this lifecycle having been started (failed refresh): still clean up.
		close();
	}

	private void close() {
		this.running = false;
		if (this.closed.compareAndSet(false, true)) {
			try {
				this.factory.close();
			}
			finally {
				this.reaper.close();
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
