package dev.managedprocesses;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * stop(), kill() and timeouts act on the whole tree: plain, orphaned and double-forked
 * descendants.
 */
class TreeStopTests {

	private final String marker = TestProcesses.marker();

	private ManagedProcessFactory factory;

	@BeforeEach
	void setUp() {
		assumeTrue(TestProcesses.linux(), "tree checks read /proc, which needs Linux");
		this.factory = ManagedProcessFactory.builder().gracePeriod(Duration.ofSeconds(2)).build();
	}

	@AfterEach
	void tearDown() {
		if (this.factory != null) {
			this.factory.close();
		}
		TestProcesses.killAll(this.marker);
	}

	private ManagedProcess startTree(String script) {
		ManagedProcess process = this.factory
			.command("sh", "-c", script.replace("{m}", this.marker), "tree-" + this.marker)
			.start();
		return process;
	}

	@Test
	void stopLeavesNoSurvivorOfPlainTree() throws Exception {
		ManagedProcess process = startTree("sleep {m} & sleep {m} & (sleep {m} & wait) & wait");
		await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 5);
		ProcessResult result = process.stop().get(10, TimeUnit.SECONDS);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.STOPPED);
		assertThat(result.killed()).isFalse();
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		assertThat(this.factory.processes()).isEmpty();
	}

	@Test
	void stopFindsChildrenOfAnIntermediateThatAlreadyDied() throws Exception {
		// the subshell starts two sleeps and exits at once: they are orphaned before we
		// look
		ManagedProcess process = startTree("(sleep {m} & sleep {m} & exit 0); sleep {m}");
		await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 4);
		process.stop().get(10, TimeUnit.SECONDS);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void stopFindsDoubleForkedDaemons() throws Exception {
		// the example: the daemon's parent exits, so it is re-parented away from
		// the tree
		ManagedProcess process = startTree("(sleep {m} &); (setsid sleep {m} &); exec sleep {m}");
		await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 3);
		process.stop().get(10, TimeUnit.SECONDS);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void killSendsSigkillToWholeTreeAtOnce() throws Exception {
		ManagedProcess process = startTree("trap '' TERM; (sleep {m} &); sleep {m} & wait");
		await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 3);
		long start = System.nanoTime();
		ProcessResult result = process.kill().get(10, TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(result.exitCode()).isEqualTo(128 + 9);
		assertThat(result.killed()).isTrue();
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void processIgnoringSigtermIsKilledAfterGracePeriodAndResultSaysSo() throws Exception {
		ManagedProcess process = this.factory
			.command("sh", "-c", "trap '' TERM; sleep " + this.marker + " & wait; wait")
			.gracePeriod(Duration.ofMillis(500))
			.start();
		await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 2);
		ProcessResult result = process.stop().get(10, TimeUnit.SECONDS);
		assertThat(result.killed()).isTrue();
		assertThat(result.exitCode()).isEqualTo(137);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.STOPPED);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void gracefulStopGivesExitCodeOfSigterm() throws Exception {
		ManagedProcess process = this.factory.command("sleep", this.marker).start();
		ProcessResult result = process.stop().get(10, TimeUnit.SECONDS);
		assertThat(result.exitCode()).isEqualTo(128 + 15);
		assertThat(result.killed()).isFalse();
		assertThat(process.state()).isEqualTo(ProcessState.STOPPED);
	}

	@Test
	void timeoutStopsTreeAndReturnsWithinTimeoutPlusGrace() throws Exception {
		Duration timeout = Duration.ofMillis(500);
		Duration grace = Duration.ofMillis(500);
		long start = System.nanoTime();
		ProcessResult result = this.factory
			.command("sh", "-c", "trap '' TERM; sleep " + this.marker + " & sleep " + this.marker + "; wait")
			.timeout(timeout)
			.gracePeriod(grace)
			.run();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.TIMED_OUT);
		assertThat(result.killed()).isTrue();
		// timeout + grace plus a margin that a loaded 2-core CI machine needs
		assertThat(took).isLessThan(timeout.plus(grace).plusSeconds(2));
		assertThat(took).isGreaterThanOrEqualTo(timeout);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void stopAfterExitIsHarmlessAndKeepsOutcome() throws Exception {
		ManagedProcess process = this.factory.command("sh", "-c", "exit 4").start();
		ProcessResult result = process.await();
		assertThat(process.stop().get()).isSameAs(result);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.EXITED);
		assertThat(result.exitCode()).isEqualTo(4);
		assertThat(result.isSuccess()).isFalse();
	}

	@Test
	void descendantsListsLiveTree() throws Exception {
		ManagedProcess process = startTree("sleep {m} & sleep {m} & wait");
		await().atMost(5, TimeUnit.SECONDS).until(() -> process.descendants().size() == 2);
		assertThat(process.descendants()).allSatisfy((info) -> assertThat(info.command()).contains(this.marker));
		process.kill().get(10, TimeUnit.SECONDS);
		assertThat(process.descendants()).isEmpty();
	}

	@Test
	void burstOfTimeoutsStopsEveryTreeAndTellsWhichNeededSigkill() throws Exception {
		java.util.List<ManagedProcess> processes = new java.util.ArrayList<>();
		for (int i = 0; i < 60; i++) {
			String script = (i % 3 == 0) ? "trap '' TERM; sleep {m} & wait; wait" : "sleep {m} & wait";
			processes.add(this.factory.command("sh", "-c", script.replace("{m}", this.marker))
				.timeout(Duration.ofMillis(700))
				.gracePeriod(Duration.ofMillis(700))
				.discardOutput()
				.start());
		}
		for (int i = 0; i < processes.size(); i++) {
			// the TERM-obeying trees are never reported killed: their grace runs from the
			// SIGTERM actually sent
			ProcessResult result = processes.get(i).onExit().get(120, TimeUnit.SECONDS);
			assertThat(result.outcome()).isEqualTo(ProcessOutcome.TIMED_OUT);
			assertThat(result.killed()).as("process %d killed", i).isEqualTo(i % 3 == 0);
		}
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void stopSignalGoesToTheWholeTreeInsteadOfSigterm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
			throws Exception {
		java.nio.file.Path received = dir.resolve("received");
		// both ignore SIGTERM: only a stop that sends SIGUSR1 to every member ends them
		// without SIGKILL
		String child = "trap 'echo child >> " + received + "; exit 0' USR1; trap '' TERM; sleep {m} & wait";
		ManagedProcess process = this.factory
			.command("sh", "-c",
					("trap 'echo root >> " + received + "; exit 0' USR1; trap '' TERM; sh -c \"" + child + "\" & wait")
						.replace("{m}", this.marker),
					"tree-" + this.marker)
			.stopSignal("SIGUSR1")
			.gracePeriod(Duration.ofSeconds(20))
			.start();
		await().atMost(10, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 3);
		ProcessResult result = process.stop().get(60, TimeUnit.SECONDS);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.STOPPED);
		assertThat(result.killed()).as("every member obeyed SIGUSR1 within the grace period").isFalse();
		assertThat(java.nio.file.Files.readAllLines(received)).containsExactlyInAnyOrder("root", "child");
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

	@Test
	void unknownStopSignalIsRejectedNamingTheValue() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> this.factory.command("true").stopSignal("SIGNOPE"))
			.withMessageContaining("SIGNOPE");
	}

	@Test
	void stopDescendantsStopsWhatAnEndedProcessLeftBehind() throws Exception {
		// double fork: the sleep is re-parented away at once, and the root exits on its
		// own
		ManagedProcess process = startTree("(sleep {m} &); exit 0");
		ProcessResult result = process.onExit().get(30, TimeUnit.SECONDS);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.EXITED);
		await().atMost(10, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 1);
		process.stopDescendants().get(60, TimeUnit.SECONDS);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		assertThat(process.state()).isEqualTo(ProcessState.EXITED);
		assertThat(process.onExit().get(10, TimeUnit.SECONDS).killed()).isFalse();
	}

}
