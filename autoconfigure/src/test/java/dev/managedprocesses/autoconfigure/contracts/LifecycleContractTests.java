package dev.managedprocesses.autoconfigure.contracts;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.autoconfigure.ManagedProcessesLifecycle;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * Issue 10, item 3: the application's shutdown never leaves a process behind, honours
 * each tree's own grace period, and {@link ManagedProcessesLifecycle} follows Spring's
 * {@code SmartLifecycle} contract. Whole applications, closed by the test (so not
 * {@code @SpringBootTest}, whose context cache would restart them).
 */
class LifecycleContractTests {

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

	private ConfigurableApplicationContext run(String... properties) {
		this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties("managed-processes.subreaper=false")
			.properties(properties)
			.run();
		return this.context;
	}

	/**
	 * A tree whose every member ignores SIGTERM: only SIGKILL after the grace period ends
	 * it.
	 */
	private ManagedProcess stubborn(ManagedProcessFactory factory, Duration gracePeriod) {
		return factory.command("sh", "-c", "trap '' TERM; sleep $0 & wait", this.marker)
			.gracePeriod(gracePeriod)
			.start();
	}

	/**
	 * Issue 10 item 3, second bullet: a process started with {@code .gracePeriod(2s)}
	 * that ignores SIGTERM is SIGKILLed about 2 s after SIGTERM when the context closes
	 * (factory default 10 s): close takes about the longest grace of the live trees.
	 */
	@Test
	void contextCloseHonoursEachTreesOwnGracePeriod() throws Exception {
		ManagedProcessFactory factory = run("managed-processes.grace-period=10s").getBean(ManagedProcessFactory.class);
		ManagedProcess process = stubborn(factory, Duration.ofSeconds(2));
		await().atMost(10, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 2);

		long begin = System.nanoTime();
		this.context.close();
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		assertThat(process.onExit().get(10, TimeUnit.SECONDS).killed()).isTrue();
		assertThat(tookMillis).as("context close with one 2 s tree (default grace 10 s)").isLessThan(6_000);
	}

	/**
	 * Issue 10 item 3, third bullet: {@code stop()} (without callback) is synchronous, as
	 * {@code Lifecycle.stop()} says: when it returns, every tree is gone, not merely
	 * asked to go.
	 */
	@Test
	void stopReturnsOnlyWhenEveryTreeIsGone() throws Exception {
		ConfigurableApplicationContext context = run("managed-processes.grace-period=1s");
		ManagedProcess process = stubborn(context.getBean(ManagedProcessFactory.class), Duration.ofSeconds(1));
		await().atMost(10, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 2);

		context.getBean(ManagedProcessesLifecycle.class).stop();

		assertThat(TestProcesses.alive(this.marker)).as("alive when stop() returned").isEmpty();
		assertThat(process.state().isFinished()).as("state when stop() returned: " + process.state()).isTrue();
	}

	/**
	 * Issue 10 item 3, third bullet: {@code stop(callback)} always runs the callback,
	 * even when stopping fails (here: a factory whose grace period cannot be scheduled,
	 * as today's builder accepts; once the builder rejects such a value the failure
	 * cannot be provoked this way, and the test says so), and never throws at Spring
	 * instead.
	 */
	@Test
	void stopAlwaysRunsTheCallback() throws Exception {
		ManagedProcessFactory factory;
		try {
			factory = ManagedProcessFactory.builder().gracePeriod(Duration.ofSeconds(Long.MAX_VALUE)).build();
		}
		catch (IllegalArgumentException ex) {
			assumeTrue(false,
					"the factory rejects an unschedulable grace period, so its shutdown cannot fail this way");
			return;
		}
		OrphanReaper reaper = OrphanReaper.builder(OperatingSystem.current()).mode(ReaperMode.NEVER).build();
		ManagedProcessesLifecycle lifecycle = new ManagedProcessesLifecycle(factory, reaper);
		lifecycle.start();
		ManagedProcess process = factory.command("sleep", this.marker).start();
		CountDownLatch called = new CountDownLatch(1);
		Throwable thrown = null;
		try {
			lifecycle.stop(called::countDown);
		}
		catch (Throwable ex) {
			thrown = ex;
		}
		boolean ran = called.await(30, TimeUnit.SECONDS);
		TestProcesses.killAll(this.marker);
		ProcessResult ignored = process.await(Duration.ofSeconds(10)).orElse(null);
		assertThat(thrown).as("stop(callback) threw at Spring").isNull();
		assertThat(ran).as("the callback ran").isTrue();
		assertThat(lifecycle.isRunning()).isFalse();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
