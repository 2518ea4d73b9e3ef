package dev.managedprocesses.service;

/**
 * What happens to a service's standard output and standard error.
 */
public enum ServiceOutput {

	/**
	 * Each line is logged through SLF4J, logger {@code managed-processes.service.<name>}:
	 * standard output at INFO, standard error at WARN. The last lines are also kept for
	 * failure messages.
	 */
	LOG,

	/**
	 * Nothing is kept (a log-line readiness probe still sees the lines).
	 */
	DISCARD,

	/**
	 * The last lines are kept and shown by {@link ManagedService#outputTail()} and the
	 * endpoint.
	 */
	CAPTURE

}
