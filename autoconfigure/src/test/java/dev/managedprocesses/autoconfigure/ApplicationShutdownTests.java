package dev.managedprocesses.autoconfigure;

import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A whole Spring Boot application (all auto-configuration, as a user's app starts it)
 * runs real process trees and closes: none survives, including one that ignores SIGTERM
 * and one that double-forked. Not a {@code @SpringBootTest}: the test framework's context
 * cache would restart a context the test closes.
 */
class ApplicationShutdownTests {

	private final String marker = TestProcesses.marker();

	@AfterEach
	void cleanUp() {
		if (TestProcesses.linux()) {
			TestProcesses.killAll(this.marker);
		}
	}

	@Test
	void closingTheApplicationStopsEveryTree() {
		assumeTrue(TestProcesses.linux(), "survivors are counted from /proc");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("managed-processes.grace-period=1s", "managed-processes.subreaper=false")
			.run();
		ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
		ManagedProcess plain = factory.command("sh", "-c", "sleep " + this.marker + " & wait").start();
		ManagedProcess stubborn = factory.command("sh", "-c", "trap '' TERM; sleep " + this.marker + " & wait; wait")
			.start();
		ManagedProcess daemonizing = factory
			.command("sh", "-c", "(sleep " + this.marker + " &); exec sleep " + this.marker)
			.start();
		await().atMost(10, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 6);

		context.close();

		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		assertThat(plain.onExit().join().outcome()).isEqualTo(ProcessOutcome.STOPPED);
		assertThat(stubborn.onExit().join().killed()).isTrue();
		assertThat(daemonizing.onExit().join().outcome()).isEqualTo(ProcessOutcome.STOPPED);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
