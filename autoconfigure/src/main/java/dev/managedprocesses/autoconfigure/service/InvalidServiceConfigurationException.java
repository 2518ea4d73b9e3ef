package dev.managedprocesses.autoconfigure.service;

import dev.managedprocesses.service.ServiceDefinitionException;

/**
 * A {@code managed-processes.services.*} property with a bad value: the message names the
 * property. Thrown while the context is built, before any service starts.
 */
public class InvalidServiceConfigurationException extends IllegalStateException {

	private final String property;

	/**
	 * Creates the exception.
	 * @param property the full property name
	 * @param problem what is wrong with its value
	 * @param cause the core's exception
	 */
	public InvalidServiceConfigurationException(String property, String problem, ServiceDefinitionException cause) {
		super("Invalid configuration: " + property + " " + problem, cause);
		this.property = property;
	}

	/**
	 * The property with the bad value.
	 * @return the full property name
	 */
	public String property() {
		return this.property;
	}

}
