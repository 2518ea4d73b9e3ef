package dev.managedprocesses.contracts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.ProcessStartException;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, item 3: shutdown and close never leave a process behind, and honour each
 * tree's own grace period. Public API only.
 */
class CloseContractTests {

	private final String marker = TestProcesses.marker();

	private final List<ManagedProcessFactory> factories = new ArrayList<>();

	@BeforeEach
	void linuxOnly() {
		assumeTrue(TestProcesses.linux(), "survivors are found by marker in /proc");
	}

	@AfterEach
	void cleanUp() {
		this.factories.forEach(ManagedProcessFactory::close);
		TestProcesses.killAll(this.marker);
	}

	/**
	 * Issue 10 item 3, first bullet: 50 rounds of 32 threads starting (at most 4 at once,
	 * so most starts wait for a slot), stopping, running and awaiting, while another
	 * thread calls {@code close()}. After each round: every thread has returned within a
	 * bound (no {@code run()}/{@code await()} hangs), no live entry, no process with the
	 * marker alive; a start that lost the race failed with {@link ProcessStartException},
	 * nothing else.
	 */
	@Test
	void closeRacingStartsLeavesNothingBehind() throws Exception {
		List<String> problems = new CopyOnWriteArrayList<>();
		for (int round = 0; round < 50 && problems.isEmpty(); round++) {
			ManagedProcessFactory factory = ManagedProcessFactory.builder()
				.maxConcurrent(4)
				.startWait(Duration.ofSeconds(20))
				.gracePeriod(Duration.ofSeconds(2))
				.build();
			this.factories.add(factory);
			CountDownLatch go = new CountDownLatch(1);
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < 32; i++) {
				int kind = i % 4;
				Thread thread = new Thread(() -> {
					try {
						go.await();
						switch (kind) {
							case 0 -> factory.command("sleep", this.marker).run();
							case 1 -> factory.command("sleep", this.marker).start().await();
							case 2 -> factory.command("sleep", this.marker).start().stop().get(60, TimeUnit.SECONDS);
							default -> {
								ManagedProcess process = factory.command("sh", "-c", "sleep 0.05", this.marker).start();
								process.await();
							}
						}
					}
					catch (ProcessStartException ex) {
						// lost the race with close(): allowed, as long as nothing was
						// left running
					}
					catch (Throwable ex) {
						problems.add("round thread failed with " + ex);
					}
				}, "close-race-" + i);
				thread.setDaemon(true);
				threads.add(thread);
				thread.start();
			}
			Thread closer = new Thread(() -> {
				try {
					go.await();
					Thread.sleep(ThreadLocalRandom.current().nextInt(300));
					factory.close();
				}
				catch (Throwable ex) {
					problems.add("close() failed with " + ex);
				}
			}, "close-race-closer");
			closer.setDaemon(true);
			closer.start();
			go.countDown();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			closer.join(TimeUnit.SECONDS.toMillis(60));
			if (closer.isAlive()) {
				problems.add("round " + round + ": close() did not return within 60 s");
			}
			for (Thread thread : threads) {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
				if (thread.isAlive()) {
					problems.add("round " + round + ": " + thread.getName() + " stuck: "
							+ List.of(thread.getStackTrace()).subList(0, Math.min(4, thread.getStackTrace().length)));
				}
			}
			if (!factory.processes().isEmpty()) {
				problems.add("round " + round + ": live entries after close(): " + factory.processes());
			}
			// a survivor would carry the marker; give a just-killed process a moment to
			// disappear from /proc
			try {
				await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).isEmpty());
			}
			catch (org.awaitility.core.ConditionTimeoutException ex) {
				problems.add("round " + round + ": processes with the marker alive after close(): "
						+ TestProcesses.alive(this.marker));
				TestProcesses.killAll(this.marker);
			}
		}
		assertThat(problems).isEmpty();
	}

	/**
	 * Issue 10 item 3, second bullet: a tree started with {@code .gracePeriod(2s)} that
	 * ignores SIGTERM is SIGKILLed about 2 s after SIGTERM when the factory closes, not
	 * after the factory's 10 s default.
	 */
	@Test
	void closeHonoursEachTreesOwnGracePeriod() throws Exception {
		ManagedProcessFactory factory = ManagedProcessFactory.builder().gracePeriod(Duration.ofSeconds(10)).build();
		this.factories.add(factory);
		ManagedProcess stubborn = factory.command("sh", "-c", "trap '' TERM; sleep $0 & wait", this.marker)
			.gracePeriod(Duration.ofSeconds(2))
			.start();
		await().atMost(10, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 2);

		long begin = System.nanoTime();
		factory.close();
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

		ProcessResult result = stubborn.onExit().get(30, TimeUnit.SECONDS);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		assertThat(result.killed()).isTrue();
		assertThat(tookMillis).as("close() with one 2 s tree (factory default 10 s)").isLessThan(6_000);
	}

}
