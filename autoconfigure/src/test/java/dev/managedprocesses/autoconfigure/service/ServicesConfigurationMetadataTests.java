package dev.managedprocesses.autoconfigure.service;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every service property of the contract is in the configuration metadata with a
 * description (the annotation processor does not describe a map's values, so they come
 * from the additional metadata).
 */
class ServicesConfigurationMetadataTests {

	private static final List<String> PROPERTIES = List.of("command", "directory", "environment", "inherit-environment",
			"enabled", "restart", "restart-delay", "max-restart-delay", "max-restarts", "restart-window", "depends-on",
			"readiness.exec", "readiness.http", "readiness.tcp", "readiness.log-line", "readiness.interval",
			"readiness.timeout", "liveness.exec", "liveness.http", "liveness.tcp", "liveness.interval",
			"liveness.failure-threshold", "wait-for-ready", "stop-signal", "grace-period", "output");

	@Test
	void everyServicePropertyIsDescribed() throws Exception {
		String json;
		try (InputStream in = getClass().getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).isNotNull();
			json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		for (String property : PROPERTIES) {
			String name = "managed-processes.services.*." + property;
			Pattern described = Pattern.compile(
					"\"name\"\\s*:\\s*\"" + Pattern.quote(name) + "\"[^}]*\"description\"\\s*:\\s*\"[^\"]+\"",
					Pattern.DOTALL);
			assertThat(described.matcher(json).find()).as(name).isTrue();
		}
		assertThat(json).contains("\"defaultValue\": \"on-failure\"").contains("\"defaultValue\": \"30s\"");
	}

}
