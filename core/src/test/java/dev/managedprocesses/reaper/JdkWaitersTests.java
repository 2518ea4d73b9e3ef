package dev.managedprocesses.reaper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which JDK reaper threads veto a pid, told apart by what they do right now, with real
 * processes.
 */
class JdkWaitersTests {

	private final JdkWaiters waiters = new JdkWaiters();

	@Test
	void threadWaitingForARealChildVetoes() throws Exception {
		Process child = new ProcessBuilder("sleep", "30.5").start();
		try {
			child.onExit();
			await().atMost(10, TimeUnit.SECONDS)
				.until(() -> this.waiters.waitingFor(List.of(child.pid())).contains(child.pid()));
			assertThat(this.waiters.waitingFor(List.of(child.pid() + 1_000_000))).isEmpty();
		}
		finally {
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void threadPollingANonChildDoesNotVeto() throws Exception {
		assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "JDK poll loop checked on Linux");
		// the grandchild waits for its parent's stdin to close: its life does not depend
		// on timing
		Process parent = new ProcessBuilder("sh", "-c", "sleep 30.6 & echo $!; read _").start();
		try {
			long grandchild;
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
				grandchild = Long.parseLong(reader.readLine().trim());
			}
			ProcessHandle.of(grandchild).orElseThrow().onExit();
			// the JDK's thread takes the name first, then finds the pid is no child and
			// starts polling
			await().atMost(10, TimeUnit.SECONDS)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> Thread.getAllStackTraces()
					.entrySet()
					.stream()
					.anyMatch((entry) -> entry.getKey().getName().equals("process reaper (pid " + grandchild + ")")
							&& JdkWaiters.isPollingNonChild(entry.getValue())));
			assertThat(this.waiters.waitingFor(List.of(grandchild))).isEmpty();
			ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
		}
		finally {
			parent.descendants().forEach(ProcessHandle::destroyForcibly);
			parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void stacksOutsideThePollLoopVeto() {
		StackTraceElement run = new StackTraceElement("java.lang.ProcessHandleImpl$1", "run", null, 1);
		StackTraceElement sleep = new StackTraceElement("java.lang.Thread", "sleep", null, 1);
		StackTraceElement wait = new StackTraceElement("java.lang.ProcessHandleImpl", "waitForProcessExit0", null, 1);
		StackTraceElement setName = new StackTraceElement("java.lang.Thread", "setName", null, 1);
		assertThat(JdkWaiters.isPollingNonChild(new StackTraceElement[] { sleep, run })).isTrue();
		assertThat(JdkWaiters.isPollingNonChild(new StackTraceElement[] { wait, run })).isFalse();
		assertThat(JdkWaiters.isPollingNonChild(new StackTraceElement[] { setName, run })).isFalse();
		assertThat(JdkWaiters.isPollingNonChild(new StackTraceElement[] { sleep })).as("not the JDK's loop").isFalse();
		assertThat(JdkWaiters.isPollingNonChild(new StackTraceElement[0])).isFalse();
	}

	@Test
	void parsesOnlyTheJdkName() {
		assertThat(JdkWaiters.parse("process reaper (pid 42)")).isEqualTo(42);
		assertThat(JdkWaiters.parse("process reaper")).isEqualTo(-1);
		assertThat(JdkWaiters.parse("process reaper (pid x)")).isEqualTo(-1);
	}

	@Test
	void sweepIntervalBelowOneMillisecondIsRejected() {
		OrphanReaper.Builder builder = OrphanReaper.builder(new FakeOperatingSystem());
		assertThatIllegalArgumentException().isThrownBy(() -> builder.sweepInterval(Duration.ofNanos(1)))
			.withMessageContaining("sweepInterval must be at least 1 ms");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.sweepInterval(Duration.ZERO))
			.withMessageContaining("sweepInterval");
		builder.sweepInterval(Duration.ofMillis(1));
	}

}
