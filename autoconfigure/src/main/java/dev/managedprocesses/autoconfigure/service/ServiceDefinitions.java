package dev.managedprocesses.autoconfigure.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.managedprocesses.autoconfigure.service.ManagedServicesProperties.Service;
import dev.managedprocesses.service.Probe;
import dev.managedprocesses.service.ServiceDefinition;
import dev.managedprocesses.service.ServiceDefinitionException;

/**
 * Turns {@code managed-processes.services.<name>.*} into {@link ServiceDefinition}s,
 * naming the property in every problem.
 */
final class ServiceDefinitions {

	static final String PREFIX = "managed-processes.services.";

	private ServiceDefinitions() {
	}

	static List<ServiceDefinition> from(ManagedServicesProperties properties) {
		List<ServiceDefinition> definitions = new ArrayList<>();
		for (Map.Entry<String, Service> entry : properties.getServices().entrySet()) {
			if (entry.getValue().isEnabled()) {
				definitions.add(from(entry.getKey(), entry.getValue()));
			}
		}
		return definitions;
	}

	static ServiceDefinition from(String name, Service service) {
		try {
			ServiceDefinition.Builder builder = ServiceDefinition.builder(name)
				.command(service.getCommand())
				.inheritEnvironment(service.isInheritEnvironment())
				.environment(service.getEnvironment())
				.restart(service.getRestart())
				.restartDelay(service.getRestartDelay())
				.maxRestartDelay(service.getMaxRestartDelay())
				.maxRestarts(service.getMaxRestarts())
				.restartWindow(service.getRestartWindow())
				.dependsOn(service.getDependsOn())
				.readinessInterval(service.getReadiness().getInterval())
				.readinessTimeout(service.getReadiness().getTimeout())
				.livenessInterval(service.getLiveness().getInterval())
				.livenessFailureThreshold(service.getLiveness().getFailureThreshold())
				.waitForReady(service.isWaitForReady())
				.stopSignal(service.getStopSignal())
				.gracePeriod(service.getGracePeriod())
				.output(service.getOutput());
			if (service.getDirectory() != null) {
				builder.directory(service.getDirectory());
			}
			ManagedServicesProperties.Readiness readiness = service.getReadiness();
			if (!readiness.getExec().isEmpty()) {
				builder.readiness("readiness.exec", () -> Probe.exec(readiness.getExec()));
			}
			if (readiness.getHttp() != null) {
				builder.readiness("readiness.http", () -> Probe.http(readiness.getHttp()));
			}
			if (readiness.getTcp() != null) {
				builder.readiness("readiness.tcp", () -> Probe.tcp(readiness.getTcp()));
			}
			if (readiness.getLogLine() != null) {
				builder.readiness("readiness.log-line", () -> Probe.logLine(readiness.getLogLine()));
			}
			ManagedServicesProperties.Liveness liveness = service.getLiveness();
			if (!liveness.getExec().isEmpty()) {
				builder.liveness("liveness.exec", () -> Probe.exec(liveness.getExec()));
			}
			if (liveness.getHttp() != null) {
				builder.liveness("liveness.http", () -> Probe.http(liveness.getHttp()));
			}
			if (liveness.getTcp() != null) {
				builder.liveness("liveness.tcp", () -> Probe.tcp(liveness.getTcp()));
			}
			return builder.build();
		}
		catch (ServiceDefinitionException ex) {
			throw invalid(ex);
		}
	}

	/** The same problem, worded with the property's full name. */
	static InvalidServiceConfigurationException invalid(ServiceDefinitionException ex) {
		return new InvalidServiceConfigurationException(PREFIX + ex.service() + "." + ex.setting(), ex.problem(), ex);
	}

}
