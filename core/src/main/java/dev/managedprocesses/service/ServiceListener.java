package dev.managedprocesses.service;

import java.time.Duration;

/**
 * Hears what supervised services do. Called asynchronously on the common pool, never on
 * the supervisor's threads, so a listener may block; events of one service may arrive out
 * of order.
 */
public interface ServiceListener {

	/**
	 * A service changed state.
	 * @param service the service
	 * @param previous its previous state
	 * @param current its new state
	 */
	default void stateChanged(ManagedService service, ServiceState previous, ServiceState current) {
	}

	/**
	 * A probe attempt ended.
	 * @param service the service
	 * @param type readiness or liveness
	 * @param probe the probe
	 * @param duration how long the attempt took
	 * @param passed whether it passed
	 */
	default void probed(ManagedService service, ProbeType type, Probe probe, Duration duration, boolean passed) {
	}

}
