package dev.managedprocesses.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.os.ProcessId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing a real Spring Boot application stops every managed tree: grandchildren and processes that ignore
 * {@code SIGTERM} included. The application is started with {@link SpringApplicationBuilder} (a servlet web
 * application on a random port, as in production) rather than {@code @SpringBootTest}, because the test context
 * cache of Spring Framework 7 restarts a context that a test closed.
 */
class ContextShutdownTests {

	private final String marker = "marker-" + UUID.randomUUID();

	@AfterEach
	void killLeftovers() {
		ProcessAssertions.killLeftovers(this.marker);
	}

	@Test
	void closingTheContextLeavesNoSurvivor() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "managed-processes.grace-period=1s", "managed-processes.subreaper=false",
					"managed-processes.reaper.mode=never")
			.run();
		ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
		List<ManagedProcess> roots = new ArrayList<>();
		roots.add(ProcessTrees.startTree(factory, this.marker, false));
		roots.add(ProcessTrees.startTree(factory, this.marker, true));
		List<ProcessId> members = ProcessTrees.waitForMembers(roots);
		assertThat(members).hasSize(6);
		assertThat(ProcessTrees.survivors(members)).hasSize(6);
		context.close();
		assertThat(ProcessTrees.survivors(members)).isEmpty();
		assertThat(ProcessAssertions.pidsWithMarker(this.marker)).isEmpty();
		assertThat(roots).allSatisfy((root) -> assertThat(root.onExit()).isDone());
		// the tree that ignored SIGTERM needed SIGKILL
		assertThat(roots.get(1).onExit().join().killed()).isTrue();
		assertThat(factory.isShutdown()).isTrue();
	}

}
