package dev.managedprocesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tracking, history, the concurrency limit, interrupted callers, and shutdown of many
 * trees.
 */
class LifecycleTests {

	private final String marker = TestProcesses.marker();

	private ManagedProcessFactory factory;

	@AfterEach
	void tearDown() {
		if (this.factory != null) {
			this.factory.close();
		}
		if (TestProcesses.linux()) {
			TestProcesses.killAll(this.marker);
		}
	}

	@Test
	void tracksLiveProcessesAndKeepsBoundedHistory() throws Exception {
		this.factory = ManagedProcessFactory.builder().historySize(3).build();
		ManagedProcess sleeper = this.factory.command("sleep", this.marker).name("sleeper").start();
		assertThat(this.factory.processes()).containsExactly(sleeper);
		assertThat(this.factory.liveCount()).isOne();
		assertThat(this.factory.find(sleeper.pid())).contains(sleeper);
		assertThat(this.factory.isManaged(sleeper.pid())).isTrue();
		assertThat(sleeper.name()).isEqualTo("sleeper");
		assertThat(sleeper.command()).containsExactly("sleep", this.marker);
		assertThat(sleeper.state()).isEqualTo(ProcessState.RUNNING);
		assertThat(sleeper.startedAt()).isBeforeOrEqualTo(java.time.Instant.now());
		for (int i = 0; i < 5; i++) {
			this.factory.command("sh", "-c", "exit " + i).run();
		}
		assertThat(this.factory.history()).extracting(ProcessResult::exitCode).containsExactly(4, 3, 2);
		assertThat(this.factory.history()).extracting(ProcessResult::name).containsOnly("sh");
		sleeper.kill().get(10, TimeUnit.SECONDS);
		assertThat(this.factory.processes()).isEmpty();
		assertThat(this.factory.liveCount()).isZero();
		assertThat(this.factory.find(sleeper.pid())).isEmpty();
	}

	@Test
	void listenersHearStartedBeforeFinishedAndSeeTheProcessRegistered() throws Exception {
		List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.factory = ManagedProcessFactory.builder().listener(new ProcessListener() {

			@Override
			public void started(ManagedProcess process) {
				events.add("started " + process.pid());
			}

			@Override
			public void finished(ProcessResult result) {
				events.add("finished " + result.pid());
			}

		}).build();
		List<ManagedProcess> processes = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			// no output captured: no pump thread, so the JDK's exit notification races
			// the start
			processes.add(this.factory.command("true").discardOutput().start());
		}
		for (ManagedProcess process : processes) {
			process.onExit().get(30, TimeUnit.SECONDS);
		}
		await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 100);
		for (ManagedProcess process : processes) {
			assertThat(events.indexOf("started " + process.pid()))
				.as("started before finished for pid %d in %s", process.pid(), events)
				.isGreaterThanOrEqualTo(0)
				.isLessThan(events.indexOf("finished " + process.pid()));
		}
	}

	@Test
	void anExecutableGoneSinceItsLastStartFailsAsClearlyAsOneNeverThere(@TempDir Path dir) throws Exception {
		assumeTrue(TestProcesses.linux(), "a shell script as executable needs a POSIX system");
		this.factory = ManagedProcessFactory.create();
		Path script = dir.resolve("script-" + this.marker);
		Files.writeString(script, "#!/bin/sh\necho ran\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		assertThat(this.factory.command(script.toString()).run().stdout()).isEqualTo("ran\n");
		Files.delete(script);
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command(script.toString()).start())
			.withMessageContaining("executable " + script + " does not exist");
		// and once it is back, it is found again
		Files.writeString(script, "#!/bin/sh\necho back\n");
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		assertThat(this.factory.command(script.toString()).run().stdout()).isEqualTo("back\n");
	}

	@Test
	void startWaitsForAFreeSlotThenFailsClearly() throws Exception {
		this.factory = ManagedProcessFactory.builder().maxConcurrent(1).startWait(Duration.ofMillis(300)).build();
		ManagedProcess first = this.factory.command("sleep", this.marker).start();
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command("sleep", this.marker).start())
			.withMessageContaining("limit of 1 concurrent processes");
		assertThat(this.factory.processes()).containsExactly(first);
		first.kill().get(10, TimeUnit.SECONDS);
		// the slot is free again
		assertThat(this.factory.command("true").run().isSuccess()).isTrue();
	}

	@Test
	void interruptedAwaitThrowsAndProcessStaysTrackedUntilItsTimeout() throws Exception {
		this.factory = ManagedProcessFactory.create();
		ManagedProcess process = this.factory.command("sleep", this.marker)
			.timeout(Duration.ofSeconds(2))
			.gracePeriod(Duration.ofMillis(200))
			.start();
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		CountDownLatch waiting = new CountDownLatch(1);
		Thread waiter = new Thread(() -> {
			waiting.countDown();
			try {
				process.await();
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		waiter.start();
		waiting.await();
		// interrupt it only once it is really blocked in await()
		await().atMost(10, TimeUnit.SECONDS)
			.until(() -> waiter.getState() == Thread.State.WAITING || waiter.getState() == Thread.State.TIMED_WAITING);
		waiter.interrupt();
		waiter.join(5000);
		assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
		assertThat(this.factory.processes()).containsExactly(process);
		ProcessResult result = process.onExit().get(10, TimeUnit.SECONDS);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.TIMED_OUT);
		assertThat(this.factory.processes()).isEmpty();
	}

	/**
	 * Line callbacks are user code: they run in order on the factory's callback executor
	 * (never on the thread that reads, which for {@code run()} is the caller and on Linux
	 * could be the I/O loop after a hand-off), and every line has been delivered when
	 * {@code run()} returns.
	 */
	@Test
	void runDeliversEveryLineInOrderOnTheCallbackExecutorBeforeItReturns() throws Exception {
		this.factory = ManagedProcessFactory.create();
		Thread caller = Thread.currentThread();
		List<Thread> callbackThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
		List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
		ProcessResult result = this.factory.command("sh", "-c", "seq 1 300").onOutputLine((line) -> {
			callbackThreads.add(Thread.currentThread());
			lines.add(line);
		}).run();
		assertThat(result.stdout()).startsWith("1\n2\n3\n").endsWith("\n300\n");
		assertThat(lines).hasSize(300).startsWith("1", "2", "3").endsWith("300");
		assertThat(lines).isEqualTo(java.util.stream.IntStream.rangeClosed(1, 300).mapToObj(String::valueOf).toList());
		assertThat(callbackThreads).doesNotContain(caller)
			.allSatisfy((thread) -> assertThat(thread.getName()).doesNotStartWith("managed-process"));
	}

	@Test
	void interruptedRunHandsDrainingToABackgroundThreadAndKeepsTracking() throws Exception {
		this.factory = ManagedProcessFactory.create();
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread runner = new Thread(() -> {
			try {
				// after the interrupt it still writes far more than a pipe holds: someone
				// must keep draining
				this.factory.command("sh", "-c", "sleep 0.5; seq 1 200000; exit 5")
					.timeout(Duration.ofSeconds(30))
					.run();
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		runner.start();
		await().atMost(5, TimeUnit.SECONDS).until(() -> this.factory.processes().size() == 1);
		ManagedProcess process = this.factory.processes().get(0);
		runner.interrupt();
		runner.join(5000);
		assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
		ProcessResult result = process.onExit().get(20, TimeUnit.SECONDS);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.EXITED);
		assertThat(result.exitCode()).isEqualTo(5);
		assertThat(result.stdout()).endsWith("\n200000\n");
	}

	@Test
	void listenersHearStartAndFinish() throws Exception {
		List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.factory = ManagedProcessFactory.builder().listener(new ProcessListener() {
			@Override
			public void started(ManagedProcess process) {
				events.add("started " + process.name());
			}

			@Override
			public void finished(ProcessResult result) {
				events.add("finished " + result.name() + " " + result.outcome());
			}
		}).build();
		this.factory.command("true").name("job").run();
		// listeners run on the callback executor, in order per process
		await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 2);
		assertThat(events).containsExactly("started job", "finished job EXITED");
	}

	@Test
	void aFailingListenerNeitherStopsTheOthersNorTheProcess() throws Exception {
		List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.factory = ManagedProcessFactory.builder().listener(new ProcessListener() {
			@Override
			public void started(ManagedProcess process) {
				throw new IllegalStateException("listener fails on start");
			}

			@Override
			public void finished(ProcessResult result) {
				throw new IllegalStateException("listener fails on finish");
			}
		}).listener(new ProcessListener() {
			@Override
			public void started(ManagedProcess process) {
				events.add("started " + process.name());
			}

			@Override
			public void finished(ProcessResult result) {
				events.add("finished " + result.name());
			}
		}).build();
		ProcessResult result = this.factory.command("sh", "-c", "echo fine").name("job").run();
		assertThat(result.stdout()).isEqualTo("fine\n");
		assertThat(result.failure()).isEmpty();
		// listeners run on the callback executor, in order per process
		await().atMost(10, TimeUnit.SECONDS).until(() -> events.size() == 2);
		assertThat(events).containsExactly("started job", "finished job");
		assertThat(this.factory.processes()).isEmpty();
	}

	@Test
	void shutdownStopsFiveHundredTreesInAboutOneGracePeriod() throws Exception {
		assumeTrue(TestProcesses.linux(), "counting survivors reads /proc, which needs Linux");
		Duration grace = Duration.ofSeconds(2);
		this.factory = ManagedProcessFactory.builder().gracePeriod(grace).build();
		List<ManagedProcess> processes = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			String script = (i % 10 == 0) ? "trap '' TERM; sleep {m} & sleep {m}; wait" : "sleep {m} & wait";
			processes.add(this.factory.command("sh", "-c", script.replace("{m}", this.marker)).discardOutput().start());
		}
		await().atMost(120, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() >= 500 + 500 + 50);
		long start = System.nanoTime();
		this.factory.shutdown().get(120, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
		// about one grace period: the grace, the kill phase, and the time a loaded
		// machine needs to signal and
		// reap 1,050 processes (a margin scaled by the load); 500 grace periods one after
		// the other: 1,000 s
		Duration bound = grace.plusSeconds(10).plus(MachineLoad.margin(Duration.ofSeconds(8)));
		assertThat(took).as("shutdown of 500 trees, bound %s", bound).isLessThan(bound);
		assertThat(processes).allSatisfy((process) -> assertThat(process.state()).isEqualTo(ProcessState.STOPPED));
		// exactly the 50 trees that ignore SIGTERM needed SIGKILL: the grace period runs
		// from the SIGTERM, so a
		// tree that obeys it is never reported killed because the machine was slow to
		// send it
		assertThat(processes.stream().filter((p) -> p.onExit().join().killed()).count()).isEqualTo(50);
		assertThatExceptionOfType(ProcessStartException.class).isThrownBy(() -> this.factory.command("true").start())
			.withMessageContaining("shut down");
	}

	@Test
	void shutdownAlsoStopsDaemonsLeftByFinishedProcesses() throws Exception {
		assumeTrue(TestProcesses.linux(), "counting survivors reads /proc, which needs Linux");
		this.factory = ManagedProcessFactory.builder().gracePeriod(Duration.ofSeconds(1)).build();
		ProcessResult result = this.factory.command("sh", "-c", "(sleep " + this.marker + " &) ; exit 0")
			.discardOutput()
			.run();
		assertThat(result.isSuccess()).isTrue();
		await().atMost(5, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() == 1);
		this.factory.close();
		assertThat(TestProcesses.alive(this.marker)).isEmpty();
	}

}
