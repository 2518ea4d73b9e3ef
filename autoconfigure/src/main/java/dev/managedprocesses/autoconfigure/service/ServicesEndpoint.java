package dev.managedprocesses.autoconfigure.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.autoconfigure.actuate.CommandSanitizer;
import dev.managedprocesses.service.ManagedService;
import dev.managedprocesses.service.ManagedServices;
import dev.managedprocesses.service.Probe;
import dev.managedprocesses.service.ProbeStatus;
import dev.managedprocesses.service.ServiceOutput;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/services}: every supervised service with its state, restarts, last
 * exit, probe results and output tail; {@code /actuator/services/{name}} for one (404
 * when unknown). Read-only by default; with write access, {@code POST
 * /actuator/services/{name}} with {@code {"action": "restart" | "stop" | "start"}}.
 * Commands are sanitized as in {@code /actuator/processes}, under
 * {@code management.endpoint.processes.show-values} and its roles.
 */
@Endpoint(id = "services", defaultAccess = Access.READ_ONLY)
public class ServicesEndpoint {

	private static final Duration ACTION_WAIT = Duration.ofMinutes(2);

	private final ManagedServices services;

	private final CommandSanitizer sanitizer;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Creates the endpoint.
	 * @param services the services
	 * @param sanitizingFunctions functions applied to each argument when values are shown
	 * @param showValues when to show argument values
	 * @param roles the roles that may see values with {@link Show#WHEN_AUTHORIZED}
	 */
	public ServicesEndpoint(ManagedServices services, Iterable<SanitizingFunction> sanitizingFunctions, Show showValues,
			Set<String> roles) {
		this.services = services;
		this.sanitizer = new CommandSanitizer(sanitizingFunctions);
		this.showValues = showValues;
		this.roles = roles;
	}

	/**
	 * Every service.
	 * @param securityContext the caller
	 * @return the services
	 */
	@ReadOperation
	public ServicesDescriptor services(SecurityContext securityContext) {
		boolean show = this.showValues.isShown(securityContext, this.roles);
		return new ServicesDescriptor(
				this.services.services().stream().map((service) -> describe(service, show)).toList());
	}

	/**
	 * One service.
	 * @param securityContext the caller
	 * @param name the service
	 * @return the service, or null (404) when unknown
	 */
	@ReadOperation
	public ServicesDescriptor.Service service(SecurityContext securityContext, @Selector String name) {
		boolean show = this.showValues.isShown(securityContext, this.roles);
		return this.services.find(name).map((service) -> describe(service, show)).orElse(null);
	}

	/**
	 * Restarts, stops or starts a service, and answers once that is done (a restart or
	 * start: once the new run has started; a stop: once the tree is gone).
	 * @param securityContext the caller
	 * @param name the service
	 * @param action {@code restart}, {@code stop} or {@code start}
	 * @return what was done, or null (404) when the service is unknown
	 */
	@WriteOperation
	public ServicesDescriptor.ActionResponse act(SecurityContext securityContext, @Selector String name,
			String action) {
		if (this.services.find(name).isEmpty()) {
			return null;
		}
		String verb = (action != null) ? action.trim().toLowerCase(Locale.ROOT) : "";
		CompletableFuture<ManagedService> done = switch (verb) {
			case "restart" -> this.services.restart(name);
			case "stop" -> this.services.stop(name);
			case "start" -> this.services.start(name);
			default -> throw new InvalidEndpointRequestException(
					"action must be restart, stop or start, was '" + action + "'", "Bad action");
		};
		try {
			ManagedService service = done.get(ACTION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			return new ServicesDescriptor.ActionResponse(verb,
					describe(service, this.showValues.isShown(securityContext, this.roles)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted during " + verb + " of service '" + name + "'", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Cannot " + verb + " service '" + name + "': " + ex.getMessage(), ex);
		}
	}

	ServicesDescriptor.Service describe(ManagedService service, boolean show) {
		Optional<ProcessResult> exit = service.lastExit();
		boolean captured = service.definition().output() == ServiceOutput.CAPTURE;
		return new ServicesDescriptor.Service(service.name(), service.state().name(), service.reason().orElse(null),
				service.pid().orElse(null), service.restarts(), time(service.startedAt()), time(service.readySince()),
				exit.map((result) -> new ServicesDescriptor.Exit(result.exitCode(), result.outcome().name(),
						result.endedAt().toString()))
					.orElse(null),
				service.definition().dependsOn(), this.sanitizer.sanitize(service.definition().command(), show),
				service.definition().restart().name().toLowerCase(Locale.ROOT).replace('_', '-'),
				service.readiness().map((status) -> probe(status, show)).orElse(null),
				service.liveness().map((status) -> probe(status, show)).orElse(null),
				captured ? service.outputTail() : null);
	}

	private ServicesDescriptor.ProbeResult probe(ProbeStatus status, boolean show) {
		Probe probe = status.probe();
		String described = probe.command()
			.map((command) -> "exec " + String.join(" ", this.sanitizer.sanitize(command, show)))
			.orElse(probe.toString());
		return new ServicesDescriptor.ProbeResult(described, time(status.lastSuccess()), time(status.lastFailure()),
				status.lastFailureMessage().orElse(null), status.lastDuration().map(Duration::toMillis).orElse(null));
	}

	private static String time(Optional<Instant> instant) {
		return instant.map(Instant::toString).orElse(null);
	}

	List<ManagedService> all() {
		return this.services.services();
	}

}
