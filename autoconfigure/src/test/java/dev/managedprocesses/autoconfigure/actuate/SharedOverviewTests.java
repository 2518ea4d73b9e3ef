package dev.managedprocesses.autoconfigure.actuate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SharedOverview}: reuse within the bound, a background refresh past it that
 * nobody waits for, and a fresh overview at once when the managed processes change.
 */
class SharedOverviewTests {

	@Test
	void pastTheBoundCallersGetTheCurrentValueWhileOneBackgroundRefreshRuns() throws Exception {
		String marker = TestProcesses.marker();
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			AtomicInteger takes = new AtomicInteger();
			CountDownLatch refreshMayEnd = new CountDownLatch(1);
			SharedOverview<Integer> shared = new SharedOverview<>(factory, Duration.ofMillis(1000), (previous) -> {
				if (previous != null) {
					// the background refresh: held until the test has seen callers not
					// wait for it
					await().atMost(30, TimeUnit.SECONDS).until(() -> refreshMayEnd.getCount() == 0);
				}
				return ProcessOverview.take(factory);
			}, (overview, previous) -> takes.incrementAndGet());
			assertThat(shared.get()).isEqualTo(1);
			assertThat(shared.get()).as("within the bound").isEqualTo(1);
			Thread.sleep(1100);
			// past the bound: answered at once with the current value, however many
			// callers, one refresh
			for (int i = 0; i < 5; i++) {
				assertThat(shared.get()).isEqualTo(1);
			}
			refreshMayEnd.countDown();
			await().atMost(30, TimeUnit.SECONDS).until(() -> shared.get() == 2);
			assertThat(takes).hasValue(2);
			// a started managed process is seen at once: a fresh overview, taken in the
			// caller
			ManagedProcess sleeper = factory.command("sleep", "300", marker).start();
			assertThat(shared.get()).isEqualTo(3);
			sleeper.kill().join();
			assertThat(shared.get()).isEqualTo(4);
		}
		finally {
			TestProcesses.killAll(marker);
		}
	}

	@Test
	void pastTheHardLimitCallersWaitForTheRefreshUnderWayInsteadOfTakingAnother() throws Exception {
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			AtomicInteger takes = new AtomicInteger();
			CountDownLatch refreshStarted = new CountDownLatch(1);
			CountDownLatch refreshMayEnd = new CountDownLatch(1);
			SharedOverview<Integer> shared = new SharedOverview<>(factory, Duration.ofMillis(1000), (previous) -> {
				if (previous != null) {
					refreshStarted.countDown();
					await().atMost(60, TimeUnit.SECONDS).until(() -> refreshMayEnd.getCount() == 0);
				}
				return ProcessOverview.take(factory);
			}, (overview, previous) -> takes.incrementAndGet());
			assertThat(shared.get()).isEqualTo(1);
			Thread.sleep(1100);
			// past the bound: the background refresh starts (and is held)
			assertThat(shared.get()).isEqualTo(1);
			assertThat(refreshStarted.await(30, TimeUnit.SECONDS)).isTrue();
			// past the hard limit of five bounds, a caller waits for that refresh
			Thread.sleep(1000 * SharedOverview.HARD_LIMIT_FACTOR);
			CompletableFuture<Integer> caller = CompletableFuture.supplyAsync(shared::get);
			Thread.sleep(300);
			assertThat(caller).as("waits for the refresh under way").isNotDone();
			refreshMayEnd.countDown();
			assertThat(caller.get(30, TimeUnit.SECONDS)).isEqualTo(2);
			assertThat(takes).as("no second overview taken beside the refresh").hasValue(2);
		}
	}

	@Test
	void aFreshOverviewIsAnsweredWithoutTheLockThatTakingOneHolds() throws Exception {
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			SharedOverview<Integer> shared = new SharedOverview<>(factory, Duration.ofMinutes(10),
					(previous) -> ProcessOverview.take(factory), (overview, previous) -> 1);
			assertThat(shared.get()).isEqualTo(1);
			CountDownLatch held = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			// a caller inside the lock (as one taking an overview is), held there
			Thread holder = new Thread(() -> {
				synchronized (shared) {
					held.countDown();
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			});
			holder.start();
			try {
				assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
				CompletableFuture<Integer> caller = CompletableFuture.supplyAsync(shared::get);
				assertThat(caller.get(30, TimeUnit.SECONDS)).as("not queued behind the lock's holder").isEqualTo(1);
			}
			finally {
				release.countDown();
				holder.join();
			}
		}
	}

}
