package dev.managedprocesses.contracts;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessListener;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, item 1: user code never runs on the starter's own threads. Written against
 * the public API only, so it holds whatever the internals look like.
 */
class UserCodeThreadContractTests {

	private static final long SLOW_MILLIS = 10_000;

	private final String marker = TestProcesses.marker();

	private ManagedProcessFactory factory;

	@BeforeEach
	void linuxOnly() {
		assumeTrue(TestProcesses.linux(), "processes are found by marker in /proc");
	}

	@AfterEach
	void cleanUp() {
		if (this.factory != null) {
			this.factory.close();
		}
		TestProcesses.killAll(this.marker);
	}

	/**
	 * Issue 10 item 1: slow {@code onExit().thenRun}, {@code stop().thenRun} and a slow
	 * {@link ProcessListener#finished} on one process do not delay another process's
	 * timeout (its 300 ms {@code run()} returns well within 3 s), and every slow callback
	 * still runs.
	 */
	@Test
	void slowCallbacksOfOneProcessDoNotDelayAnotherProcessesTimeout() throws Exception {
		CountDownLatch entered = new CountDownLatch(3);
		CountDownLatch ran = new CountDownLatch(3);
		List<Long> slowPids = new CopyOnWriteArrayList<>();
		this.factory = ManagedProcessFactory.builder()
			.gracePeriod(Duration.ofSeconds(2))
			.listener(new ProcessListener() {
				@Override
				public void finished(ProcessResult result) {
					if (slowPids.contains(result.pid())) {
						slow(entered, ran);
					}
				}
			})
			.build();
		ManagedProcess slowOne = this.factory.command("sleep", this.marker).start();
		slowPids.add(slowOne.pid());
		slowOne.onExit().thenRun(() -> slow(entered, ran));
		slowOne.stop().thenRun(() -> slow(entered, ran));
		// the callbacks are running (or at least the first of them is, if they run one
		// after the other)
		assertThat(entered.await(30, TimeUnit.SECONDS)).as("a slow callback started").isTrue();

		long begin = System.nanoTime();
		ProcessResult other = this.factory.command("sleep", this.marker)
			.timeout(Duration.ofMillis(300))
			.gracePeriod(Duration.ofMillis(500))
			.run();
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

		assertThat(other.outcome()).isEqualTo(ProcessOutcome.TIMED_OUT);
		assertThat(tookMillis).as("run() with a 300 ms timeout while another process's callbacks sleep 10 s")
			.isLessThan(3_000);
		assertThat(ran.await(60, TimeUnit.SECONDS)).as("every slow callback ran to its end").isTrue();
	}

	/**
	 * Issue 10 item 1: the thread that runs a user's {@code thenRun} on {@code onExit()},
	 * {@code stop()}, {@code kill()}, and a listener's {@code finished}, is never one of
	 * the starter's own threads (their names start with {@code managed-process}), nor the
	 * JDK's {@code process reaper} thread (the JDK itself never runs user stages there).
	 */
	@Test
	void userStagesAndListenersRunOffTheStartersThreads() throws Exception {
		List<String> threads = new CopyOnWriteArrayList<>();
		CountDownLatch listened = new CountDownLatch(3);
		this.factory = ManagedProcessFactory.builder()
			.gracePeriod(Duration.ofSeconds(2))
			.listener(new ProcessListener() {
				@Override
				public void finished(ProcessResult result) {
					threads.add("listener.finished: " + Thread.currentThread().getName());
					listened.countDown();
				}
			})
			.build();
		// exits by itself, a moment after the stage is attached
		ManagedProcess exiting = this.factory.command("sh", "-c", "sleep 0.5", this.marker).start();
		ManagedProcess stopped = this.factory.command("sleep", this.marker).start();
		ManagedProcess killed = this.factory.command("sleep", this.marker).discardOutput().start();
		CountDownLatch staged = new CountDownLatch(3);
		exiting.onExit().thenRun(() -> record(threads, "onExit().thenRun", staged));
		stopped.stop().thenRun(() -> record(threads, "stop().thenRun", staged));
		killed.kill().thenRun(() -> record(threads, "kill().thenRun", staged));

		assertThat(staged.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(listened.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(threads).hasSize(6)
			.allSatisfy((entry) -> assertThat(entry.substring(entry.indexOf(": ") + 2)).as(entry)
				.doesNotStartWith("managed-process")
				.doesNotStartWith("process reaper"));
	}

	private static void record(List<String> threads, String what, CountDownLatch done) {
		threads.add(what + ": " + Thread.currentThread().getName());
		done.countDown();
	}

	private static void slow(CountDownLatch entered, CountDownLatch ran) {
		entered.countDown();
		try {
			Thread.sleep(SLOW_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		ran.countDown();
	}

}
