package dev.managedprocesses.service;

/**
 * Where a supervised service is in its life.
 */
public enum ServiceState {

	/**
	 * Asked to run: waiting for its dependencies, or started and its readiness probe not
	 * yet passed.
	 */
	STARTING,

	/**
	 * Running, and its readiness probe passed (or it has none).
	 */
	READY,

	/**
	 * Exited, waiting out its back-off before the next start.
	 */
	BACKING_OFF,

	/**
	 * Won't be restarted: its restart policy, too many restarts within the window, a
	 * readiness timeout, a failed dependency, or a command that cannot start.
	 */
	FAILED,

	/**
	 * Exited with code 0 and its restart policy does not restart it.
	 */
	COMPLETED,

	/**
	 * Not started yet, or stopped by the application or an operator.
	 */
	STOPPED;

	/**
	 * Whether services depending on this one may start: {@link #READY} or
	 * {@link #COMPLETED}.
	 * @return whether dependents may start
	 */
	public boolean satisfiesDependents() {
		return this == READY || this == COMPLETED;
	}

}
