package dev.managedprocesses.service;

/**
 * A service did not become ready: it failed, timed out or was stopped. The message names
 * the service, its state, why, and its last output lines.
 */
public class ServiceFailedException extends RuntimeException {

	private final String service;

	private final ServiceState state;

	/**
	 * Creates the exception.
	 * @param service the service's name
	 * @param state the state it ended in
	 * @param message the full message
	 */
	public ServiceFailedException(String service, ServiceState state, String message) {
		super(message);
		this.service = service;
		this.state = state;
	}

	/**
	 * The service's name.
	 * @return the name
	 */
	public String service() {
		return this.service;
	}

	/**
	 * The state the service was in.
	 * @return the state
	 */
	public ServiceState state() {
		return this.state;
	}

}
