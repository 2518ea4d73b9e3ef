package dev.managedprocesses.service;

/**
 * When a service that exited on its own is started again.
 */
public enum RestartPolicy {

	/**
	 * Never: exit code 0 ends in {@link ServiceState#COMPLETED}, anything else in
	 * {@link ServiceState#FAILED}.
	 */
	NEVER,

	/**
	 * When it exits with a non-zero code, is killed or times out; exit code 0 ends in
	 * {@link ServiceState#COMPLETED}.
	 */
	ON_FAILURE,

	/**
	 * Whatever the exit code.
	 */
	ALWAYS

}
