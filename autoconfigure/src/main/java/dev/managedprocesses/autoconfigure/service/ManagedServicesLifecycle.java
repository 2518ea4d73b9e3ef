package dev.managedprocesses.autoconfigure.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.managedprocesses.autoconfigure.ManagedProcessesLifecycle;
import dev.managedprocesses.service.ManagedService;
import dev.managedprocesses.service.ManagedServices;
import dev.managedprocesses.service.ServiceFailedException;

import org.springframework.context.ApplicationContextException;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the supervised services with the context, in dependency order, and waits for
 * those with {@code wait-for-ready} (failing the refresh with the service's name, state
 * and last output lines); on close, stops them in reverse dependency order, each with its
 * own signal and grace period.
 * <p>
 * Its phase sits between the web server's graceful shutdown
 * ({@code Integer.MAX_VALUE - 1024}) and the managed processes' shutdown
 * ({@link ManagedProcessesLifecycle#PHASE}): services start after the reaper and stop
 * after the web server has drained requests, before every other managed process is
 * stopped.
 */
public class ManagedServicesLifecycle implements SmartLifecycle {

	/** {@link ManagedProcessesLifecycle#PHASE} + 256. */
	public static final int PHASE = ManagedProcessesLifecycle.PHASE + 256;

	// every service settles on its own (readiness timeout, max-restarts); this only
	// guards against a bug
	private static final Duration WAIT_LIMIT = Duration.ofHours(1);

	private final ManagedServices services;

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param services the services
	 */
	public ManagedServicesLifecycle(ManagedServices services) {
		this.services = services;
	}

	@Override
	public void start() {
		this.running = true;
		this.services.startAll();
		List<String> waitFor = this.services.services()
			.stream()
			.filter((service) -> service.definition().waitForReady())
			.map(ManagedService::name)
			.toList();
		if (waitFor.isEmpty()) {
			return;
		}
		try {
			this.services.awaitReady(waitFor, WAIT_LIMIT);
		}
		catch (ServiceFailedException ex) {
			throw new ApplicationContextException(ex.getMessage(), ex);
		}
		catch (TimeoutException ex) {
			throw new ApplicationContextException("Services " + waitFor + " not ready within " + WAIT_LIMIT, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ApplicationContextException("Interrupted while waiting for services " + waitFor, ex);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		this.services.close();
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		this.services.stopAll().whenComplete((ignored, ex) -> callback.run());
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
