package dev.managedprocesses.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.os.ProcessId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2's "done when": closing a context with 500 live trees, some ignoring {@code SIGTERM}, takes about one
 * grace period (the trees stop in parallel) and leaves no survivor.
 */
class ManyTreesShutdownTests {

	private static final int TREES = 500;

	private static final Duration GRACE = Duration.ofSeconds(1);

	private final String marker = "marker-" + UUID.randomUUID();

	@AfterEach
	void killLeftovers() {
		ProcessAssertions.killLeftovers(this.marker);
	}

	@Test
	void closingWithFiveHundredTreesTakesAboutOneGracePeriod() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("managed-processes.grace-period=" + GRACE.toMillis() + "ms",
					"managed-processes.subreaper=false", "managed-processes.reaper.mode=never",
					"management.endpoints.enabled-by-default=false")
			.run();
		List<ManagedProcess> roots = new ArrayList<>();
		List<ProcessId> members;
		try {
			ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
			for (int i = 0; i < TREES; i++) {
				roots.add(ProcessTrees.startTree(factory, this.marker, i % 5 == 0));
			}
			members = ProcessTrees.waitForMembers(roots);
			assertThat(members).hasSize(TREES * 3);
		}
		finally {
			long start = System.nanoTime();
			context.close();
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			// generous: the point is "one grace period for all trees", not 500 sequential grace periods
			assertThat(took).isLessThan(GRACE.plusSeconds(15));
		}
		assertThat(ProcessTrees.survivors(members)).isEmpty();
		assertThat(ProcessAssertions.pidsWithMarker(this.marker)).isEmpty();
		assertThat(roots.get(0).onExit().join().killed()).isTrue();
	}

}
