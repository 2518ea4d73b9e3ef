package dev.managedprocesses.autoconfigure.observation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessInterceptor;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.ProcessStartException;
import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Each run()/start() is an observation with the right name, key values and outcome, when
 * and only when an {@link ObservationRegistry} bean exists.
 */
class ManagedProcessesObservationAutoConfigurationTests {

	private final String marker = TestProcesses.marker();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ManagedProcessesAutoConfiguration.class,
				ManagedProcessesObservationAutoConfiguration.class))
		.withPropertyValues("managed-processes.subreaper=false");

	@TempDir
	Path directory;

	@AfterEach
	void cleanUp() {
		if (TestProcesses.linux()) {
			TestProcesses.killAll(this.marker);
		}
	}

	@Test
	void withoutAnObservationRegistryNothingIsRegistered() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ManagedProcessFactory.class)
				.doesNotHaveBean(ProcessInterceptor.class)
				.doesNotHaveBean(ManagedProcessesTracingProperties.class);
			ProcessResult result = context.getBean(ManagedProcessFactory.class)
				.command("sh", "-c", "printf %s \"$TRACEPARENT\"")
				.run();
			assertThat(result.stdout()).isEmpty();
		});
	}

	@Test
	void aSuccessfulRunIsAnObservationThatExited() {
		this.runner.withUserConfiguration(TestRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ObservationProcessInterceptor.class);
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ProcessResult result = context.getBean(ManagedProcessFactory.class)
				.command("sh", "-c", "exit 0", this.marker)
				.name("probe")
				.run();
			// stopped before run() returned
			TestObservationRegistryAssert.assertThat(registry)
				.hasNumberOfObservationsWithNameEqualTo("managed.processes.execution", 1)
				.hasSingleObservationThat()
				.hasNameEqualTo("managed.processes.execution")
				.hasContextualNameEqualTo("process probe")
				.hasBeenStarted()
				.hasBeenStopped()
				.doesNotHaveError()
				.hasLowCardinalityKeyValue("name", "probe")
				.hasLowCardinalityKeyValue("outcome", "EXITED")
				.hasHighCardinalityKeyValue("process.pid", Long.toString(result.pid()))
				.hasHighCardinalityKeyValue("process.exit.code", "0")
				.hasHighCardinalityKeyValue("process.command_line", "sh ****** ****** ******");
		});
	}

	@Test
	void aNonZeroExitIsAResultNotAnError() {
		this.runner.withUserConfiguration(TestRegistryConfiguration.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			context.getBean(ManagedProcessFactory.class).command("sh", "-c", "exit 3").run();
			TestObservationRegistryAssert.assertThat(registry)
				.hasSingleObservationThat()
				.hasBeenStopped()
				.doesNotHaveError()
				.hasLowCardinalityKeyValue("name", "sh")
				.hasLowCardinalityKeyValue("outcome", "EXITED")
				.hasHighCardinalityKeyValue("process.exit.code", "3");
		});
	}

	@Test
	void aTimeoutIsRecordedAsTimedOut() {
		this.runner.withUserConfiguration(TestRegistryConfiguration.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ManagedProcess process = context.getBean(ManagedProcessFactory.class)
				.command("sleep", "30", this.marker)
				.name("sleeper")
				.timeout(Duration.ofMillis(200))
				.start();
			ProcessResult result = process.onExit().join();
			assertThat(result.outcome()).isEqualTo(ProcessOutcome.TIMED_OUT);
			await().untilAsserted(() -> TestObservationRegistryAssert.assertThat(registry)
				.hasSingleObservationThat()
				.hasBeenStopped());
			TestObservationRegistryAssert.assertThat(registry)
				.hasSingleObservationThat()
				.hasLowCardinalityKeyValue("name", "sleeper")
				.hasLowCardinalityKeyValue("outcome", "TIMED_OUT")
				.hasHighCardinalityKeyValue("process.pid", Long.toString(result.pid()))
				.hasHighCardinalityKeyValue("process.exit.code", Integer.toString(result.exitCode()));
		});
	}

	@Test
	void aStartFailureIsRecordedAsTheObservationsError() throws Exception {
		// executable, so it passes the factory's checks, but execve fails on its missing
		// interpreter
		Path script = Files.writeString(this.directory.resolve("missing-interpreter.sh"),
				"#!/nonexistent/interpreter-" + this.marker + "\n");
		assertThat(script.toFile().setExecutable(true)).isTrue();
		this.runner.withUserConfiguration(TestRegistryConfiguration.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			assertThatExceptionOfType(ProcessStartException.class)
				.isThrownBy(() -> context.getBean(ManagedProcessFactory.class).command(script.toString(), "x").run());
			TestObservationRegistryAssert.assertThat(registry)
				.hasSingleObservationThat()
				.hasBeenStopped()
				.hasLowCardinalityKeyValue("name", "missing-interpreter.sh")
				.hasLowCardinalityKeyValue("outcome", "START_FAILED")
				.doesNotHaveHighCardinalityKeyValueWithKey("process.pid")
				.doesNotHaveHighCardinalityKeyValueWithKey("process.exit.code")
				.assertThatError()
				.isInstanceOf(ProcessStartException.class);
		});
	}

	@Test
	void badInputIsNotObserved() {
		this.runner.withUserConfiguration(TestRegistryConfiguration.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			assertThatExceptionOfType(ProcessStartException.class)
				.isThrownBy(() -> context.getBean(ManagedProcessFactory.class)
					.command("sh")
					.directory(this.directory.resolve("missing"))
					.run());
			TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyObservation();
		});
	}

	@Test
	void aUserConventionReplacesTheDefault() {
		this.runner.withUserConfiguration(TestRegistryConfiguration.class, CustomConventionConfiguration.class)
			.run((context) -> {
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				context.getBean(ManagedProcessFactory.class).command("sh", "-c", "exit 0").run();
				TestObservationRegistryAssert.assertThat(registry)
					.hasSingleObservationThat()
					.hasNameEqualTo("custom.processes")
					.hasLowCardinalityKeyValue("team", "payments")
					.hasLowCardinalityKeyValue("outcome", "EXITED");
			});
	}

	@Test
	void bootsObservationPropertiesTurnItOff() {
		ApplicationContextRunner boot = this.runner
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withUserConfiguration(RecordingHandlerConfiguration.class);
		boot.run((context) -> {
			context.getBean(ManagedProcessFactory.class).command("sh", "-c", "exit 0").run();
			assertThat(context.getBean(RecordingHandler.class).names).containsExactly("managed.processes.execution");
		});
		boot.withPropertyValues("management.observations.enable.managed.processes=false").run((context) -> {
			context.getBean(ManagedProcessFactory.class).command("sh", "-c", "exit 0").run();
			assertThat(context.getBean(RecordingHandler.class).names).isEmpty();
		});
	}

	@Test
	void environmentNamesFollowOpenTelemetryEnvironmentCarriers() {
		assertThat(ObservationProcessInterceptor.environmentName("traceparent")).isEqualTo("TRACEPARENT");
		assertThat(ObservationProcessInterceptor.environmentName("tracestate")).isEqualTo("TRACESTATE");
		assertThat(ObservationProcessInterceptor.environmentName("X-B3-TraceId")).isEqualTo("X_B3_TRACEID");
	}

	@Configuration(proxyBeanMethods = false)
	static class TestRegistryConfiguration {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingHandlerConfiguration {

		@Bean
		RecordingHandler recordingHandler() {
			return new RecordingHandler();
		}

	}

	static class RecordingHandler implements ObservationHandler<Observation.Context> {

		final List<String> names = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.names.add(context.getName());
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomConventionConfiguration {

		@Bean
		ProcessObservationConvention customConvention() {
			return new DefaultProcessObservationConvention() {

				@Override
				public String getName() {
					return "custom.processes";
				}

				@Override
				public KeyValues getLowCardinalityKeyValues(ProcessObservationContext context) {
					return super.getLowCardinalityKeyValues(context).and("team", "payments");
				}

			};
		}

	}

}
