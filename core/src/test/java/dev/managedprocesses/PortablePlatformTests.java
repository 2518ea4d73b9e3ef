package dev.managedprocesses;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.os.PortableOperatingSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What macOS and Windows get: the {@link ProcessHandle}-based layer runs, times out and
 * stops processes, and says what it cannot do. Run here on Linux with the portable layer
 * forced.
 */
class PortablePlatformTests {

	private final String marker = TestProcesses.marker();

	private final PortableOperatingSystem os = new PortableOperatingSystem();

	private final ManagedProcessFactory factory = ManagedProcessFactory.builder()
		.operatingSystem(this.os)
		.gracePeriod(Duration.ofMillis(500))
		.build();

	@AfterEach
	void tearDown() {
		this.factory.close();
		if (TestProcesses.linux()) {
			TestProcesses.killAll(this.marker);
		}
	}

	@Test
	void reportsWhatNeedsLinux() {
		assertThat(this.os.canSeeZombies()).isFalse();
		assertThat(this.os.canReap()).isFalse();
		assertThat(this.os.setChildSubreaper(true)).isFalse();
		assertThat(this.os.anyZombieChild()).isEmpty();
		assertThat(this.os.limitations()).singleElement().asString().contains("need Linux");
	}

	@Test
	void runsCapturesAndTimesOut() throws Exception {
		assertThat(this.factory.command("sh", "-c", "echo portable; exit 2").run())
			.satisfies((result) -> assertThat(result.stdout()).isEqualTo("portable\n"))
			.satisfies((result) -> assertThat(result.exitCode()).isEqualTo(2));
		ProcessResult timedOut = this.factory.command("sleep", this.marker).timeout(Duration.ofMillis(200)).run();
		assertThat(timedOut.outcome()).isEqualTo(ProcessOutcome.TIMED_OUT);
	}

	@Test
	void stopsATreeFoundThroughProcessHandle() throws Exception {
		assumeTrue(TestProcesses.linux(), "survivors are counted from /proc");
		ManagedProcess process = this.factory
			.command("sh", "-c", "trap '' TERM; sleep " + this.marker + " & sleep " + this.marker + " & wait")
			.start();
		await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 3);
		assertThat(process.descendants()).hasSize(2).allSatisfy((descendant) -> {
			// the same meaning as on Linux: an instant, not the platform's token
			assertThat(descendant.startedAt()).hasValueSatisfying((startedAt) -> assertThat(startedAt)
				.isBetween(process.startedAt().minusSeconds(5), Instant.now().plusSeconds(5)));
			assertThat(descendant.state()).isEqualTo(ProcessSnapshot.State.UNKNOWN);
			assertThat(descendant.isAlive()).isTrue();
		});
		assertThat(ProcessOverview.take(this.factory).managed()).singleElement()
			.satisfies((tree) -> assertThat(tree.descendants()).hasSize(2));
		ProcessResult result = process.stop().get(10, TimeUnit.SECONDS);
		assertThat(result.killed()).isTrue();
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

}
