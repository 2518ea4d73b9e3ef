package dev.managedprocesses.service;

/**
 * What a probe decides.
 */
public enum ProbeType {

	/**
	 * Whether a started service is ready: until it passes the service is
	 * {@link ServiceState#STARTING}.
	 */
	READINESS,

	/**
	 * Whether a ready service is still alive: failing it a number of times in a row
	 * restarts the service.
	 */
	LIVENESS

}
