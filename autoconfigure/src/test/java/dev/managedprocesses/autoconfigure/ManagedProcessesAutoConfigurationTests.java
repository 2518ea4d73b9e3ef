package dev.managedprocesses.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ManagedProcessesAutoConfiguration}.
 */
class ManagedProcessesAutoConfigurationTests {

	private final String marker = "marker-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ManagedProcessesAutoConfiguration.class))
		.withPropertyValues("managed-processes.subreaper=false", "managed-processes.reaper.mode=never");

	@AfterEach
	void killLeftovers() {
		ProcessAssertions.killLeftovers(this.marker);
	}

	@Test
	void beansArePresentByDefault() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ManagedProcessesAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(OperatingSystem.class)
					.hasSingleBean(ManagedProcessFactory.class)
					.hasSingleBean(OrphanReaper.class)
					.hasSingleBean(ManagedProcessesLifecycle.class);
				assertThat(context.getBean(OperatingSystem.class)).isSameAs(OperatingSystem.current());
				ManagedProcessFactory.Settings settings = context.getBean(ManagedProcessFactory.class).settings();
				assertThat(settings.defaultTimeout()).isEmpty();
				assertThat(settings.gracePeriod()).isEqualTo(Duration.ofSeconds(5));
				assertThat(settings.captureLimit()).isEqualTo(1024 * 1024);
				assertThat(settings.historySize()).isEqualTo(100);
				assertThat(settings.maxConcurrent()).isEqualTo(1024);
				assertThat(settings.startWait()).isEqualTo(Duration.ofSeconds(10));
				assertThat(context.getBean(OrphanReaper.class).status().mode()).isEqualTo(ReaperMode.AUTO);
			});
	}

	@Test
	void userFactoryBacksOff() {
		this.runner.withUserConfiguration(UserFactoryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ManagedProcessFactory.class);
			assertThat(context.getBean(ManagedProcessFactory.class).settings().historySize()).isEqualTo(7);
		});
	}

	@Test
	void userOperatingSystemIsUsedByTheFactory() {
		this.runner.withBean(OperatingSystem.class, OperatingSystem::current).run((context) -> {
			assertThat(context).hasSingleBean(OperatingSystem.class);
			assertThat(context.getBean(ManagedProcessFactory.class).operatingSystem())
				.isSameAs(context.getBean(OperatingSystem.class));
		});
	}

	@Test
	void propertiesBindIntoFactoryAndReaperSettings() {
		this.runner
			.withPropertyValues("managed-processes.default-timeout=30s", "managed-processes.grace-period=2s",
					"managed-processes.capture-limit=64KB", "managed-processes.history-size=5",
					"managed-processes.max-concurrent=3", "managed-processes.start-wait=0s",
					"managed-processes.reaper.sweep-interval=250ms")
			.run((context) -> {
				ManagedProcessFactory.Settings settings = context.getBean(ManagedProcessFactory.class).settings();
				assertThat(settings.defaultTimeout()).contains(Duration.ofSeconds(30));
				assertThat(settings.gracePeriod()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.captureLimit()).isEqualTo(64 * 1024);
				assertThat(settings.historySize()).isEqualTo(5);
				assertThat(settings.maxConcurrent()).isEqualTo(3);
				assertThat(settings.startWait()).isZero();
				OrphanReaper reaper = context.getBean(OrphanReaper.class);
				assertThat(reaper.status().mode()).isEqualTo(ReaperMode.NEVER);
				assertThat(reaper.status().sweepInterval()).isEqualTo(Duration.ofMillis(250));
			});
	}

	@Test
	void zeroGracePeriodFailsNamingTheProperty() {
		assertBindingFails("managed-processes.grace-period=0s", "managed-processes.grace-period");
	}

	@Test
	void negativeDefaultTimeoutFailsNamingTheProperty() {
		assertBindingFails("managed-processes.default-timeout=-1s", "managed-processes.default-timeout");
	}

	@Test
	void negativeStartWaitFailsNamingTheProperty() {
		assertBindingFails("managed-processes.start-wait=-5s", "managed-processes.start-wait");
	}

	@Test
	void zeroSweepIntervalFailsNamingTheProperty() {
		assertBindingFails("managed-processes.reaper.sweep-interval=0ms", "managed-processes.reaper.sweep-interval");
	}

	@Test
	void zeroMaxConcurrentFailsNamingTheProperty() {
		assertBindingFails("managed-processes.max-concurrent=0", "managed-processes.max-concurrent");
	}

	@Test
	void negativeZombieThresholdFailsNamingTheProperty() {
		assertBindingFails("managed-processes.health.zombie-threshold=-1", "managed-processes.health.zombie-threshold");
	}

	@Test
	void unknownReaperModeFailsNamingTheProperty() {
		this.runner.withPropertyValues("managed-processes.reaper.mode=sometimes").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(fullMessage(context.getStartupFailure())).contains("managed-processes.reaper.mode")
				.contains("sometimes");
		});
	}

	private void assertBindingFails(String property, String name) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(name);
			assertThat(fullMessage(context.getStartupFailure())).contains(name);
		});
	}

	private static String fullMessage(Throwable failure) {
		StringBuilder message = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			message.append(cause.getMessage()).append('\n');
		}
		return message.toString();
	}

	@Test
	void closingTheContextStopsLiveProcesses() {
		List<ManagedProcess> started = new java.util.ArrayList<>();
		this.runner.withPropertyValues("managed-processes.grace-period=1s").run((context) -> {
			ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
			for (int i = 0; i < 3; i++) {
				started.add(factory.command("sh", "-c", "sleep 300; :", this.marker).discardOutput().start());
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> started.stream().allMatch((process) -> !process.descendants().isEmpty()));
			assertThat(ProcessAssertions.pidsWithMarker(this.marker)).hasSize(3);
		});
		// the runner closed the context
		assertThat(started).allSatisfy((process) -> {
			assertThat(ProcessAssertions.isAlive(process.pid())).isFalse();
			assertThat(process.onExit()).isDone();
		});
		assertThat(ProcessAssertions.pidsWithMarker(this.marker)).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFactoryConfiguration {

		@Bean(destroyMethod = "")
		ManagedProcessFactory userFactory() {
			return ManagedProcessFactory.builder().historySize(7).build();
		}

	}

}
