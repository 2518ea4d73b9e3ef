package dev.managedprocesses.contracts;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessBuilder;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, item 4: no value can break a start. A duration too large for nanoseconds is
 * either rejected before anything starts ({@link IllegalArgumentException} naming it,
 * nothing registered or spawned) or saturated (the process runs, can be stopped normally,
 * and {@code close()} returns promptly). Either is accepted; an
 * {@link ArithmeticException} after the start, a process left running or a slow close is
 * not. Public API only.
 */
class HugeDurationContractTests {

	private final String marker = TestProcesses.marker();

	private ManagedProcessFactory factory;

	static Stream<Duration> huge() {
		return Stream.of(Duration.ofDays(200_000), Duration.ofSeconds(Long.MAX_VALUE));
	}

	@BeforeEach
	void linuxOnly() {
		assumeTrue(TestProcesses.linux(), "spawned processes are found by marker in /proc");
	}

	@AfterEach
	void cleanUp() {
		if (this.factory != null) {
			closePromptly(this.factory);
		}
		TestProcesses.killAll(this.marker);
	}

	/** Issue 10 item 4: a huge per-process {@code timeout(...)}. */
	@ParameterizedTest
	@MethodSource("huge")
	void hugeTimeout(Duration huge) throws Exception {
		this.factory = ManagedProcessFactory.create();
		rejectedOrSaturated(huge, "timeout", (spec) -> spec.timeout(huge));
	}

	/** Issue 10 item 4: a huge per-process {@code gracePeriod(...)}. */
	@ParameterizedTest
	@MethodSource("huge")
	void hugeGracePeriod(Duration huge) throws Exception {
		this.factory = ManagedProcessFactory.create();
		rejectedOrSaturated(huge, "gracePeriod", (spec) -> spec.gracePeriod(huge));
	}

	/** Issue 10 item 4: a huge factory {@code defaultTimeout(...)}. */
	@ParameterizedTest
	@MethodSource("huge")
	void hugeDefaultTimeout(Duration huge) throws Exception {
		factoryRejectsOrSaturates(huge, "defaultTimeout", (builder) -> builder.defaultTimeout(huge));
	}

	/**
	 * Issue 10 item 4: a huge factory {@code gracePeriod(...)}: close() still stops
	 * everything, promptly.
	 */
	@ParameterizedTest
	@MethodSource("huge")
	void hugeFactoryGracePeriod(Duration huge) throws Exception {
		factoryRejectsOrSaturates(huge, "gracePeriod", (builder) -> builder.gracePeriod(huge));
	}

	/**
	 * Issue 10 item 4: a huge factory {@code startWait(...)}, with and without a free
	 * slot.
	 */
	@ParameterizedTest
	@MethodSource("huge")
	void hugeStartWait(Duration huge) throws Exception {
		factoryRejectsOrSaturates(huge, "startWait", (builder) -> builder.startWait(huge).maxConcurrent(1));
	}

	/**
	 * Issue 10 item 4: a huge limit for {@code await(Duration)} waits until the result
	 * (or is rejected).
	 */
	@ParameterizedTest
	@MethodSource("huge")
	void hugeAwaitLimit(Duration huge) throws Exception {
		this.factory = ManagedProcessFactory.create();
		ManagedProcess process = this.factory.command("sh", "-c", "sleep 0.3", this.marker).start();
		Optional<ProcessResult> result;
		try {
			result = process.await(huge);
		}
		catch (IllegalArgumentException ex) {
			assertThat(ex.getMessage()).contains(huge.toString());
			return;
		}
		catch (RuntimeException ex) {
			fail("await(" + huge + ") threw " + ex, ex);
			return;
		}
		assertThat(result).hasValueSatisfying((r) -> assertThat(r.outcome()).isEqualTo(ProcessOutcome.EXITED));
	}

	private void factoryRejectsOrSaturates(Duration huge, String name,
			Function<ManagedProcessFactory.Builder, ManagedProcessFactory.Builder> setting) throws Exception {
		try {
			this.factory = setting.apply(ManagedProcessFactory.builder()).build();
		}
		catch (IllegalArgumentException ex) {
			assertThat(ex.getMessage()).as("names the setting or the value").containsAnyOf(name, huge.toString());
			return;
		}
		catch (RuntimeException ex) {
			fail("builder()." + name + "(" + huge + ") threw " + ex, ex);
		}
		rejectedOrSaturated(huge, name, Function.identity());
	}

	/**
	 * Starts {@code sleep <marker>} with the setting: rejected before anything starts, or
	 * it runs, stops with SIGTERM like any process, and the factory closes promptly
	 * afterwards.
	 */
	private void rejectedOrSaturated(Duration huge, String name,
			Function<ManagedProcessBuilder, ManagedProcessBuilder> setting) throws Exception {
		List<ManagedProcess> before = this.factory.processes();
		ManagedProcess process;
		try {
			process = setting.apply(this.factory.command("sleep", this.marker)).start();
		}
		catch (IllegalArgumentException ex) {
			assertThat(ex.getMessage()).as("names the setting or the value").containsAnyOf(name, huge.toString());
			assertThat(this.factory.processes()).as("registry unchanged").isEqualTo(before);
			assertThat(TestProcesses.alive(this.marker)).as("nothing spawned").isEmpty();
			return;
		}
		catch (RuntimeException ex) {
			fail(name + "(" + huge + ") threw " + ex + " at start; processes now " + this.factory.processes()
					+ ", alive with the marker " + TestProcesses.alive(this.marker), ex);
			return;
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 1);
		ProcessResult result;
		try {
			result = process.stop().get(30, TimeUnit.SECONDS);
		}
		catch (RuntimeException ex) {
			fail(name + "(" + huge + "): stop() threw " + ex + ", state now " + process.state(), ex);
			return;
		}
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.STOPPED);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		// the slot is free again and close() is prompt
		ProcessResult next = this.factory.command("true").run();
		assertThat(next.outcome()).isEqualTo(ProcessOutcome.EXITED);
		closePromptly(this.factory);
		this.factory = null;
	}

	private static void closePromptly(ManagedProcessFactory factory) {
		long begin = System.nanoTime();
		factory.close();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)).as("close() took").isLessThan(10_000);
	}

}
