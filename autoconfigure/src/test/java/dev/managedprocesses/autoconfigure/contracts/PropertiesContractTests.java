package dev.managedprocesses.autoconfigure.contracts;

import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, item 4 for properties: a {@code managed-processes.*} duration too large for
 * nanoseconds ({@code 300000d}) is either rejected at startup with a message naming the
 * property (nothing starts), or saturated: the application starts, runs and stops a
 * process, and closes promptly with nothing left.
 */
class PropertiesContractTests {

	private final String marker = TestProcesses.marker();

	private ConfigurableApplicationContext context;

	@BeforeEach
	void linuxOnly() {
		assumeTrue(TestProcesses.linux(), "survivors are found by marker in /proc");
	}

	@AfterEach
	void cleanUp() {
		if (this.context != null) {
			this.context.close();
		}
		TestProcesses.killAll(this.marker);
	}

	/** Issue 10 item 4: every duration property, set to 300,000 days. */
	@ParameterizedTest
	@ValueSource(strings = { "default-timeout", "grace-period", "start-wait", "reaper.sweep-interval",
			"reaper.minimum-age" })
	void hugeDurationPropertyIsRejectedNamingItOrSaturated(String name) throws Exception {
		String property = "managed-processes." + name;
		try {
			this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
				.properties("managed-processes.subreaper=false", property + "=300000d")
				.run();
		}
		catch (RuntimeException ex) {
			assertThat(messages(ex)).as("startup failure names the property").contains(property);
			assertThat(TestProcesses.alive(this.marker)).isEmpty();
			return;
		}
		ManagedProcessFactory factory = this.context.getBean(ManagedProcessFactory.class);
		assertThat(factory.command("true").run().outcome()).isEqualTo(ProcessOutcome.EXITED);
		factory.command("sleep", this.marker).start();
		await().atMost(10, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 1);
		long begin = System.nanoTime();
		this.context.close();
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
		this.context = null;
		assertThat(TestProcesses.alive(this.marker)).as("alive after the context closed").isEmpty();
		assertThat(tookMillis).as("context close with one SIGTERM-obeying process").isLessThan(10_000);
	}

	private static String messages(Throwable ex) {
		StringBuilder all = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			all.append(cause).append('\n');
		}
		return all.toString();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
