package dev.managedprocesses.autoconfigure.actuate;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the processes endpoint, under
 * {@code management.endpoint.processes}.
 */
@ConfigurationProperties("management.endpoint.processes")
public class ProcessesEndpointProperties {

	/**
	 * When to show command-line argument values and output; masked with ****** otherwise.
	 * Sanitizing functions still apply when shown.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles used to decide whether a user may see values with
	 * show-values=when-authorized. When empty, any authenticated user may.
	 */
	private final Set<String> roles = new HashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

}
