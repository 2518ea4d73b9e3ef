package dev.managedprocesses.autoconfigure.observation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for traces through managed processes, under
 * {@code managed-processes.tracing}.
 */
@ConfigurationProperties("managed-processes.tracing")
public class ManagedProcessesTracingProperties {

	/**
	 * Whether to pass the trace context of each process's span to the child as the W3C
	 * TRACEPARENT and TRACESTATE environment variables (read by OpenTelemetry SDKs), so
	 * the child's spans join the trace. Needs an ObservationRegistry and Micrometer
	 * Tracing.
	 */
	private boolean propagate;

	public boolean isPropagate() {
		return this.propagate;
	}

	public void setPropagate(boolean propagate) {
		this.propagate = propagate;
	}

}
