package dev.managedprocesses.autoconfigure.service;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.managedprocesses.service.ManagedService;
import dev.managedprocesses.service.ManagedServices;
import dev.managedprocesses.service.ServiceState;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code services} health contributor: one component per service, {@code UP} when
 * READY or COMPLETED, {@code OUT_OF_SERVICE} while STARTING or BACKING_OFF, {@code DOWN}
 * when FAILED (and when STOPPED, since a declared service is meant to run). Reads only
 * the services' state: cheap enough for every poll.
 */
final class ServicesHealthContributor {

	private ServicesHealthContributor() {
	}

	static CompositeHealthContributor of(ManagedServices services) {
		Map<String, HealthContributor> components = new LinkedHashMap<>();
		for (ManagedService service : services.services()) {
			components.put(service.name(), (HealthIndicator) () -> health(service));
		}
		return CompositeHealthContributor.fromMap(components);
	}

	static Health health(ManagedService service) {
		ServiceState state = service.state();
		Health.Builder builder = switch (state) {
			case READY, COMPLETED -> Health.up();
			case STARTING, BACKING_OFF -> Health.status(Status.OUT_OF_SERVICE);
			case FAILED, STOPPED -> Health.down();
		};
		builder.withDetail("state", state.name()).withDetail("restarts", service.restarts());
		service.pid().ifPresent((pid) -> builder.withDetail("pid", pid));
		service.reason().ifPresent((reason) -> builder.withDetail("reason", reason));
		return builder.build();
	}

}
