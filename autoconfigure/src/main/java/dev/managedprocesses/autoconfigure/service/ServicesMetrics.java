package dev.managedprocesses.autoconfigure.service;

import java.time.Duration;
import java.util.Locale;

import dev.managedprocesses.service.ManagedService;
import dev.managedprocesses.service.ManagedServices;
import dev.managedprocesses.service.Probe;
import dev.managedprocesses.service.ProbeType;
import dev.managedprocesses.service.ServiceListener;
import dev.managedprocesses.service.ServiceState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Service metrics, tagged {@code service}: {@code managed.services.restarts} (counter),
 * {@code managed.services.state} (gauge, 1 for the current {@code state} tag and 0 for
 * the others) and {@code managed.services.probe} (timer of probe attempts, tagged
 * {@code type} readiness/liveness and {@code outcome} passed/failed).
 */
public class ServicesMetrics implements MeterBinder {

	private final ManagedServices services;

	/**
	 * Creates the binder.
	 * @param services the services
	 */
	public ServicesMetrics(ManagedServices services) {
		this.services = services;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (ManagedService service : this.services.services()) {
			FunctionCounter.builder("managed.services.restarts", service, ManagedService::restarts)
				.description("Times the service was started again")
				.tag("service", service.name())
				.register(registry);
			for (ServiceState state : ServiceState.values()) {
				Gauge.builder("managed.services.state", service, (s) -> (s.state() == state) ? 1 : 0)
					.description("1 when the service is in this state")
					.tag("service", service.name())
					.tag("state", state.name())
					.register(registry);
			}
		}
		this.services.addListener(new ServiceListener() {
			@Override
			public void probed(ManagedService service, ProbeType type, Probe probe, Duration duration, boolean passed) {
				Timer.builder("managed.services.probe")
					.description("Probe attempts")
					.tag("service", service.name())
					.tag("type", type.name().toLowerCase(Locale.ROOT))
					.tag("outcome", passed ? "passed" : "failed")
					.register(registry)
					.record(duration);
			}
		});
	}

}
