package dev.managedprocesses.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.managedprocesses.os.ExitStatus;
import dev.managedprocesses.os.LinuxOperatingSystem;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.PinnedProcess;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;
import dev.managedprocesses.os.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tree stopper with real processes: members are pinned and signalled through their
 * pins, every pin is released when the stop ends, and the stop loop reads no command
 * lines.
 */
class TreeStopperTests {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final CountingOperatingSystem os = new CountingOperatingSystem(OperatingSystem.current());

	private final List<Process> started = new ArrayList<>();

	@BeforeEach
	void linuxOnly() {
		assumeTrue(OperatingSystem.current() instanceof LinuxOperatingSystem, "needs Linux with /proc");
	}

	@AfterEach
	void cleanUp() throws Exception {
		for (Process process : this.started) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		this.scheduler.shutdownNow();
	}

	@Test
	void aStopIsNeverDroppedWhenTheSchedulerRefuses() throws Exception {
		Process first = start("sleep", "30.71");
		Process second = start("sleep", "30.72");
		ScheduledExecutorService refusing = Executors.newSingleThreadScheduledExecutor();
		refusing.shutdown();
		TreeStopper stopper = new TreeStopper(this.os, refusing, "TREE_STOPPER_TEST_MARKER");
		TreeStopper.Tree firstTree = new TreeStopper.Tree(this.os.process(first.pid()).orElseThrow().id(),
				(m) -> false);
		TreeStopper.Tree secondTree = new TreeStopper.Tree(this.os.process(second.pid()).orElseThrow().id(),
				(m) -> false);
		// both stops complete: the refused step runs on a thread of its own, and the
		// later stop is not lost
		stopper.stop(List.of(firstTree), Duration.ZERO).get(60, TimeUnit.SECONDS);
		stopper.stop(List.of(secondTree), Duration.ZERO).get(60, TimeUnit.SECONDS);
		assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void eachTreeHasItsOwnGracePeriodCountedFromItsStopSignal() throws Exception {
		Process obeying = start("sleep", "30.73");
		Process stubborn = start("sh", "-c", "trap '' TERM; while :; do sleep 0.1; done");
		// a child sleep means the trap is set
		await().atMost(10, TimeUnit.SECONDS).until(() -> !this.os.children(stubborn.pid()).isEmpty());
		TreeStopper stopper = new TreeStopper(this.os, this.scheduler, "TREE_STOPPER_TEST_MARKER");
		TreeStopper.Tree obeyingTree = new TreeStopper.Tree(this.os.process(obeying.pid()).orElseThrow().id(),
				(m) -> false);
		TreeStopper.Tree stubbornTree = new TreeStopper.Tree(this.os.process(stubborn.pid()).orElseThrow().id(),
				(m) -> false);
		long begin = System.nanoTime();
		stopper
			.stop(List.of(obeyingTree, stubbornTree),
					(tree) -> (tree == stubbornTree) ? Duration.ofMillis(500) : Duration.ofSeconds(60))
			.get(60, TimeUnit.SECONDS);
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
		assertThat(obeyingTree.killed()).isFalse();
		assertThat(stubbornTree.killed()).as("SIGKILLed after its own 500 ms, not the other tree's 60 s").isTrue();
		assertThat(tookMillis).isLessThan(30_000);
	}

	@Test
	void stopsEveryMemberThroughPinsAndReleasesThem() throws Exception {
		long pidfdsBefore = pidfds();
		Process root = start("sh", "-c", "sleep 30.7 & sleep 30.8 & wait");
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.os.children(root.pid()).size() == 2);
		List<Long> members = new ArrayList<>(this.os.children(root.pid()));
		TreeStopper stopper = new TreeStopper(this.os, this.scheduler, "TREE_STOPPER_TEST_MARKER");
		TreeStopper.Tree tree = new TreeStopper.Tree(this.os.process(root.pid()).orElseThrow().id(), (marker) -> false);
		ProcessTable table = ProcessTable.read(this.os);
		assertThat(stopper.members(List.of(tree), table).get(tree)).extracting(ProcessInfo::pid)
			.containsExactlyInAnyOrderElementsOf(members);
		stopper.stop(List.of(tree), Duration.ofSeconds(20)).get(60, TimeUnit.SECONDS);
		assertThat(tree.killed()).as("every member obeyed SIGTERM").isFalse();
		assertThat(root.waitFor(10, TimeUnit.SECONDS)).isTrue();
		for (long member : members) {
			assertThat(this.os.process(member).filter(ProcessInfo::isAlive)).as("member " + member).isEmpty();
		}
		assertThat(this.os.pins.get()).as("members pinned").isGreaterThanOrEqualTo(3);
		assertThat(this.os.unclosedPins()).as("every pin released").isZero();
		assertThat(pidfds()).as("no pidfd left open").isEqualTo(pidfdsBefore);
		assertThat(this.os.fullReads.get()).as("the stop loop read command lines").isEqualTo(1);
		assertThat(this.os.briefReads.get()).isPositive();
	}

	@Test
	void killsWhatIgnoresSigtermAfterTheGracePeriod() throws Exception {
		Process root = start("sh", "-c", "trap '' TERM; sleep 30.9 & wait; wait");
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.os.children(root.pid()).size() == 1);
		TreeStopper stopper = new TreeStopper(this.os, this.scheduler, "TREE_STOPPER_TEST_MARKER");
		TreeStopper.Tree tree = new TreeStopper.Tree(this.os.process(root.pid()).orElseThrow().id(), (marker) -> false);
		stopper.stop(List.of(tree), Duration.ofMillis(300)).get(60, TimeUnit.SECONDS);
		assertThat(tree.killed()).isTrue();
		assertThat(root.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.os.unclosedPins()).isZero();
	}

	@Test
	void signalsTheRootAndItsDescendantsInTheCallersThreadBeforeAnyStep() throws Exception {
		Process root = start("sh", "-c", "sleep 31.1 & wait");
		await().atMost(10, TimeUnit.SECONDS).until(() -> this.os.children(root.pid()).size() == 1);
		long child = this.os.children(root.pid()).get(0);
		// the loop's thread is held: whatever is signalled now was signalled by stop()
		// itself
		CountDownLatch release = new CountDownLatch(1);
		this.scheduler.execute(() -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		TreeStopper stopper = new TreeStopper(this.os, this.scheduler, "TREE_STOPPER_TEST_MARKER");
		TreeStopper.Tree tree = new TreeStopper.Tree(this.os.process(root.pid()).orElseThrow().id(), (marker) -> false);
		CompletableFuture<Void> stop = stopper.stop(List.of(tree), Duration.ofSeconds(60));
		assertThat(root.waitFor(30, TimeUnit.SECONDS)).as("root got SIGTERM from stop() itself").isTrue();
		await().atMost(30, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(this.os.process(child).filter(ProcessInfo::isAlive))
				.as("the child, found by its parent link before the root's signal")
				.isEmpty());
		assertThat(stop).as("the stop ends only after a step has seen the tree gone").isNotDone();
		release.countDown();
		stop.get(60, TimeUnit.SECONDS);
		assertThat(tree.killed()).isFalse();
		assertThat(this.os.unclosedPins()).isZero();
	}

	@Test
	void aChildThatASignalledMemberStartsDuringTheGraceGetsNoStopSignalOfItsOwn() throws Exception {
		Path done = Files.createTempFile("tree-stopper-cleanup", ".txt");
		try {
			// the trap's cleanup is a child started after the stop signal: a SIGTERM of
			// its
			// own would cut it short
			Process root = start("sh", "-c", "trap 'sh -c \"sleep 0.5; echo cleaned > " + done
					+ "\"; exit 0' TERM; while :; do sleep 0.1; done");
			await().atMost(10, TimeUnit.SECONDS).until(() -> !this.os.children(root.pid()).isEmpty());
			TreeStopper stopper = new TreeStopper(this.os, this.scheduler, "TREE_STOPPER_TEST_MARKER");
			TreeStopper.Tree tree = new TreeStopper.Tree(this.os.process(root.pid()).orElseThrow().id(),
					(marker) -> false);
			stopper.stop(List.of(tree), Duration.ofSeconds(60)).get(60, TimeUnit.SECONDS);
			assertThat(Files.readString(done)).isEqualTo("cleaned\n");
			assertThat(tree.killed()).isFalse();
			assertThat(root.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(root.exitValue()).isZero();
		}
		finally {
			Files.deleteIfExists(done);
		}
	}

	private Process start(String... command) throws Exception {
		Process process = new ProcessBuilder(command).start();
		this.started.add(process);
		return process;
	}

	static long pidfds() throws Exception {
		try (var fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.filter((fd) -> {
				try {
					return Files.readSymbolicLink(fd).toString().contains("pidfd");
				}
				catch (Exception ex) {
					return false;
				}
			}).count();
		}
	}

	/** The real operating system, counting table reads and pins. */
	static final class CountingOperatingSystem implements OperatingSystem {

		private final OperatingSystem os;

		final AtomicInteger fullReads = new AtomicInteger();

		final AtomicInteger briefReads = new AtomicInteger();

		final AtomicInteger pins = new AtomicInteger();

		private final AtomicInteger closedPins = new AtomicInteger();

		CountingOperatingSystem(OperatingSystem os) {
			this.os = os;
		}

		int unclosedPins() {
			return this.pins.get() - this.closedPins.get();
		}

		@Override
		public Optional<PinnedProcess> pin(ProcessId process) {
			return this.os.pin(process).map((pin) -> {
				this.pins.incrementAndGet();
				return new PinnedProcess() {

					private boolean closed;

					@Override
					public ProcessId id() {
						return pin.id();
					}

					@Override
					public boolean signal(Signal signal) {
						return pin.signal(signal);
					}

					@Override
					public void close() {
						if (!this.closed) {
							this.closed = true;
							CountingOperatingSystem.this.closedPins.incrementAndGet();
						}
						pin.close();
					}

				};
			});
		}

		@Override
		public List<ProcessInfo> processes() {
			this.fullReads.incrementAndGet();
			return this.os.processes();
		}

		@Override
		public List<ProcessInfo> processesWithoutCommandLines() {
			this.briefReads.incrementAndGet();
			return this.os.processesWithoutCommandLines();
		}

		@Override
		public String description() {
			return this.os.description();
		}

		@Override
		public long currentPid() {
			return this.os.currentPid();
		}

		@Override
		public boolean canSeeZombies() {
			return this.os.canSeeZombies();
		}

		@Override
		public boolean canReap() {
			return this.os.canReap();
		}

		@Override
		public List<String> limitations() {
			return this.os.limitations();
		}

		@Override
		public Optional<ProcessInfo> process(long pid) {
			return this.os.process(pid);
		}

		@Override
		public List<Long> children(long pid) {
			return this.os.children(pid);
		}

		@Override
		public Optional<List<Long>> threadChildren(long pid, long tid) {
			return this.os.threadChildren(pid, tid);
		}

		@Override
		public Optional<String> environmentVariable(long pid, String name) {
			return this.os.environmentVariable(pid, name);
		}

		@Override
		public boolean signal(ProcessId process, Signal signal) {
			throw new AssertionError("the stopper signals through pins only");
		}

		@Override
		public boolean isPidOne() {
			return this.os.isPidOne();
		}

		@Override
		public boolean setChildSubreaper(boolean enabled) {
			return this.os.setChildSubreaper(enabled);
		}

		@Override
		public boolean isChildSubreaper() {
			return this.os.isChildSubreaper();
		}

		@Override
		public OptionalLong anyZombieChild() {
			return this.os.anyZombieChild();
		}

		@Override
		public boolean isReapable(long pid) {
			return this.os.isReapable(pid);
		}

		@Override
		public Optional<ExitStatus> reap(long pid) {
			return this.os.reap(pid);
		}

	}

}
