package dev.managedprocesses.service;

/**
 * A service definition, or a set of them, that cannot run: the message names the service
 * and the setting (in the property spelling, such as {@code readiness.http} or
 * {@code depends-on}).
 */
public class ServiceDefinitionException extends IllegalArgumentException {

	private final String service;

	private final String setting;

	private final String problem;

	/**
	 * Creates the exception.
	 * @param service the service's name
	 * @param setting the setting, in property spelling
	 * @param problem what is wrong with it
	 */
	public ServiceDefinitionException(String service, String setting, String problem) {
		super("Service '" + service + "': " + setting + " " + problem);
		this.service = service;
		this.setting = setting;
		this.problem = problem;
	}

	/**
	 * The service's name.
	 * @return the name
	 */
	public String service() {
		return this.service;
	}

	/**
	 * The setting that is wrong, in property spelling ({@code command},
	 * {@code readiness.http}, ...).
	 * @return the setting
	 */
	public String setting() {
		return this.setting;
	}

	/**
	 * What is wrong with the setting.
	 * @return the problem
	 */
	public String problem() {
		return this.problem;
	}

}
