package dev.managedprocesses.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders services so that each comes after everything it depends on, rejecting unknown
 * dependencies and cycles.
 */
final class ServiceOrder {

	private ServiceOrder() {
	}

	static List<ServiceDefinition> of(Map<String, ServiceDefinition> definitions) {
		for (ServiceDefinition definition : definitions.values()) {
			for (String dependency : definition.dependsOn()) {
				if (!definitions.containsKey(dependency)) {
					throw new ServiceDefinitionException(definition.name(), "depends-on",
							"names an unknown service '" + dependency + "'; services are " + definitions.keySet());
				}
			}
		}
		List<ServiceDefinition> ordered = new ArrayList<>();
		Set<String> done = new HashSet<>();
		for (ServiceDefinition definition : definitions.values()) {
			visit(definition, definitions, done, new LinkedHashSet<>(), ordered);
		}
		return ordered;
	}

	private static void visit(ServiceDefinition definition, Map<String, ServiceDefinition> definitions,
			Set<String> done, LinkedHashSet<String> path, List<ServiceDefinition> ordered) {
		if (done.contains(definition.name())) {
			return;
		}
		if (!path.add(definition.name())) {
			List<String> cycle = new ArrayList<>(path);
			cycle = cycle.subList(cycle.indexOf(definition.name()), cycle.size());
			throw new ServiceDefinitionException(definition.name(), "depends-on",
					"forms a cycle: " + String.join(" -> ", cycle) + " -> " + definition.name());
		}
		for (String dependency : definition.dependsOn()) {
			visit(definitions.get(dependency), definitions, done, path, ordered);
		}
		path.remove(definition.name());
		done.add(definition.name());
		ordered.add(definition);
	}

}
