package dev.managedprocesses.autoconfigure.actuate;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Properties of the {@code processes} endpoint ({@code management.endpoint.processes.*}).
 */
@ConfigurationProperties("management.endpoint.processes")
public class ProcessesEndpointProperties {

	/**
	 * When to show the arguments (after the executable) and the output of processes unmasked.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles allowed to see unmasked values when show-values is 'when-authorized'. Any authenticated user when
	 * empty.
	 */
	private final Set<String> roles = new LinkedHashSet<>();

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
