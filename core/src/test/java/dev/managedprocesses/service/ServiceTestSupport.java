package dev.managedprocesses.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.TestProcesses;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A factory, the supervisors made on it and a marker per test; {@link #close()} stops
 * them and kills anything left with the marker.
 */
final class ServiceTestSupport implements AutoCloseable {

	final String marker = TestProcesses.marker();

	final ManagedProcessFactory factory = ManagedProcessFactory.builder().gracePeriod(Duration.ofSeconds(2)).build();

	private final List<ManagedServices> supervisors = new ArrayList<>();

	ManagedServices supervise(ServiceDefinition... definitions) {
		ManagedServices services = ManagedServices.builder(this.factory).services(List.of(definitions)).build();
		this.supervisors.add(services);
		return services;
	}

	/**
	 * {@code sh -c script marker}: the marker is {@code $0}, so every sh of the test
	 * carries it.
	 */
	List<String> sh(String script) {
		return List.of("sh", "-c", script, this.marker);
	}

	List<Long> alive() {
		return TestProcesses.alive(this.marker);
	}

	static ConditionFactory await() {
		return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20));
	}

	static List<Long> longs(Path file) throws IOException {
		List<Long> values = new ArrayList<>();
		if (Files.exists(file)) {
			for (String line : Files.readAllLines(file)) {
				if (!line.isBlank()) {
					values.add(Long.parseLong(line.trim()));
				}
			}
		}
		return values;
	}

	@Override
	public void close() {
		try {
			this.supervisors.forEach(ManagedServices::close);
			this.factory.close();
		}
		finally {
			TestProcesses.killAll(this.marker);
		}
		assertThat(alive()).as("processes left behind").isEmpty();
	}

}
