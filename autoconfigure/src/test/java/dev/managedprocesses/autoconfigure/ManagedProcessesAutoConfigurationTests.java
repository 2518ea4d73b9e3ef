package dev.managedprocesses.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link ManagedProcessesAutoConfiguration}, with real processes.
 */
class ManagedProcessesAutoConfigurationTests {

	private final String marker = TestProcesses.marker();

	// the subreaper flag belongs to the whole test JVM: keep it off unless a test is
	// about it
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ManagedProcessesAutoConfiguration.class))
		.withPropertyValues("managed-processes.subreaper=false");

	@AfterEach
	void cleanUp() {
		if (TestProcesses.linux()) {
			TestProcesses.killAll(this.marker);
		}
	}

	@Test
	void providesFactoryReaperAndLifecycle() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ManagedProcessFactory.class)
				.hasSingleBean(OrphanReaper.class)
				.hasSingleBean(OperatingSystem.class)
				.hasSingleBean(ManagedProcessesLifecycle.class);
			ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
			assertThat(factory.settings().gracePeriod()).isEqualTo(Duration.ofSeconds(5));
			assertThat(factory.settings().captureLimit()).isEqualTo(1024 * 1024);
			assertThat(factory.settings().defaultTimeout()).isEmpty();
			assertThat(factory.command("sh", "-c", "echo hi").run().stdout()).isEqualTo("hi\n");
			assertThat(context.getBean(OrphanReaper.class).status().mode()).isEqualTo(ReaperMode.AUTO);
		});
	}

	@Test
	void backsOffForUserFactory() {
		this.runner.withUserConfiguration(UserFactoryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ManagedProcessFactory.class);
			assertThat(context.getBean(ManagedProcessFactory.class).settings().historySize()).isEqualTo(7);
		});
	}

	@Test
	void bindsProperties() {
		this.runner
			.withPropertyValues("managed-processes.grace-period=2s", "managed-processes.default-timeout=1m",
					"managed-processes.capture-limit=10KB", "managed-processes.history-size=5",
					"managed-processes.max-concurrent=3", "managed-processes.start-wait=250ms",
					"managed-processes.reaper.mode=never", "managed-processes.reaper.sweep-interval=50ms")
			.run((context) -> {
				ManagedProcessFactory.Settings settings = context.getBean(ManagedProcessFactory.class).settings();
				assertThat(settings.gracePeriod()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.defaultTimeout()).contains(Duration.ofMinutes(1));
				assertThat(settings.captureLimit()).isEqualTo(10 * 1024);
				assertThat(settings.historySize()).isEqualTo(5);
				assertThat(settings.maxConcurrent()).isEqualTo(3);
				assertThat(settings.startWait()).isEqualTo(Duration.ofMillis(250));
				OrphanReaper reaper = context.getBean(OrphanReaper.class);
				assertThat(reaper.status().mode()).isEqualTo(ReaperMode.NEVER);
				assertThat(reaper.status().active()).isFalse();
				assertThat(reaper.status().sweepInterval()).isEqualTo(Duration.ofMillis(50));
			});
	}

	@Test
	void badValuesFailNamingTheProperty() {
		this.runner.withPropertyValues("managed-processes.grace-period=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessage("managed-processes.grace-period must be positive, was PT0S");
		});
		this.runner.withPropertyValues("managed-processes.capture-limit=-1B").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessage("managed-processes.capture-limit must be between 0 and 2147483647 bytes, was -1B");
		});
		this.runner.withPropertyValues("managed-processes.reaper.mode=sometimes").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("sometimes")
				.hasStackTraceContaining("ReaperMode");
		});
	}

	@Test
	void closingTheContextStopsLiveTreesIncludingOnesIgnoringSigterm() {
		assumeTrue(TestProcesses.linux(), "survivors are counted from /proc");
		List<ManagedProcess> processes = new ArrayList<>();
		this.runner.withPropertyValues("managed-processes.grace-period=500ms").run((context) -> {
			ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
			processes.add(factory.command("sleep", this.marker).start());
			processes.add(factory.command("sh", "-c", "sleep " + this.marker + " & sleep " + this.marker + " & wait")
				.start());
			processes.add(factory.command("sh", "-c", "trap '' TERM; sleep " + this.marker + " & wait; wait").start());
			await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 6);
		});
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		assertThat(processes)
			.allSatisfy((process) -> assertThat(process.onExit().join().outcome()).isEqualTo(ProcessOutcome.STOPPED));
		assertThat(processes.get(2).onExit().join().killed()).isTrue();
	}

	@Test
	void contextCloseStopsFiveHundredTreesInAboutOneGracePeriod() {
		assumeTrue(TestProcesses.linux(), "survivors are counted from /proc");
		Duration grace = Duration.ofSeconds(2);
		long[] closeNanos = new long[1];
		this.runner.withPropertyValues("managed-processes.grace-period=" + grace.toMillis() + "ms").run((context) -> {
			ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
			for (int i = 0; i < 500; i++) {
				String script = (i % 10 == 0) ? "trap '' TERM; sleep {m} & wait; wait" : "sleep {m} & wait";
				factory.command("sh", "-c", script.replace("{m}", this.marker)).discardOutput().start();
			}
			await().atMost(60, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 1000);
			closeNanos[0] = System.nanoTime();
			((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();
			closeNanos[0] = System.nanoTime() - closeNanos[0];
		});
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		// one grace period plus signalling 1,000 processes on a busy 2-core machine; 500
		// in a row would be 1,000 s
		assertThat(Duration.ofNanos(closeNanos[0])).isLessThan(grace.plusSeconds(15));
	}

	@Test
	void contextThatFailsToRefreshStillStopsProcessesStartedBeforeTheFailure() {
		assumeTrue(TestProcesses.linux(), "survivors are counted from /proc");
		this.runner.withPropertyValues("managed-processes.grace-period=500ms")
			.withUserConfiguration(StartsProcessThenFails.class)
			.withPropertyValues("test.marker=" + this.marker)
			.run((context) -> assertThat(context).hasFailed());
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void reaperStartsWithTheContextAndStopsAfterIt() {
		assumeTrue(OperatingSystem.current().canReap(), "the reaper needs Linux with JNA");
		OperatingSystem os = OperatingSystem.current();
		try {
			this.runner.withPropertyValues("managed-processes.subreaper=true").run((context) -> {
				OrphanReaper reaper = context.getBean(OrphanReaper.class);
				assertThat(reaper.status().subreaper()).isTrue();
				assertThat(reaper.status().active()).isTrue();
				// an orphan of a managed process comes back to this JVM and is reaped
				ProcessResult result = context.getBean(ManagedProcessFactory.class)
					.command("sh", "-c", "sleep 0.3 & exit 0")
					.run();
				assertThat(result.isSuccess()).isTrue();
				await().atMost(10, TimeUnit.SECONDS).until(() -> reaper.status().reaped() >= 1);
				assertThat(reaper.history().get(0).exitValue()).isZero();
			});
		}
		finally {
			os.setChildSubreaper(false);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class StartsProcessThenFails {

		@Bean
		ManagedProcess early(ManagedProcessFactory factory, org.springframework.core.env.Environment environment) {
			return factory.command("sleep", environment.getProperty("test.marker")).start();
		}

		@Bean
		String failing(ManagedProcess early) {
			throw new IllegalStateException("refresh fails after a process started");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserFactoryConfiguration {

		@Bean(destroyMethod = "close")
		ManagedProcessFactory userFactory() {
			return ManagedProcessFactory.builder().historySize(7).build();
		}

	}

}
