package dev.managedprocesses;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link ProcessOverview} and {@link ProcessSnapshot} describe real processes: a managed
 * tree with its descendant, an unmanaged child of the JVM, and a real zombie child of the
 * JVM.
 */
class ProcessOverviewTests {

	private final String marker = TestProcesses.marker();

	private final ManagedProcessFactory factory = ManagedProcessFactory.create();

	@AfterEach
	void tearDown() {
		this.factory.close();
		if (TestProcesses.linux()) {
			TestProcesses.killAll(this.marker);
		}
	}

	@Test
	void managedTreeShowsItsDescendantWithAStartInstant() throws Exception {
		assumeTrue(TestProcesses.linux(), "descendants are found through /proc");
		Instant before = Instant.now();
		ManagedProcess process = this.factory.command("sh", "-c", "sleep " + this.marker + " & wait").start();
		ProcessOverview.ManagedTree tree = await().atMost(10, TimeUnit.SECONDS)
			.until(() -> ProcessOverview.take(this.factory).managed().stream().findFirst(),
					(found) -> found.isPresent() && found.get().descendants().size() == 1)
			.orElseThrow();
		assertThat(tree.process().pid()).isEqualTo(process.pid());
		assertThat(tree.root()).hasValueSatisfying((root) -> {
			assertThat(root.pid()).isEqualTo(process.pid());
			assertThat(root.parentPid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(root.isAlive()).isTrue();
			// described with the command it was started with, not read again from /proc
			assertThat(root.command()).isEqualTo(process.command());
		});
		ProcessSnapshot sleep = tree.descendants().get(0);
		assertThat(sleep.command()).containsExactly("sleep", this.marker);
		assertThat(sleep.parentPid()).isEqualTo(process.pid());
		assertThat(sleep.isZombie()).isFalse();
		assertThat(sleep.state()).isIn(ProcessSnapshot.State.SLEEPING, ProcessSnapshot.State.RUNNING);
		// boot time has a resolution of one second, start times one clock tick
		assertThat(sleep.startedAt()).hasValueSatisfying(
				(startedAt) -> assertThat(startedAt).isBetween(before.minusSeconds(2), Instant.now().plusSeconds(2)));
		assertThat(process.descendants()).containsExactly(sleep);
	}

	@Test
	void unmanagedChildIsAmongTheOtherChildren() throws Exception {
		assumeTrue(TestProcesses.linux(), "children are listed from /proc");
		Process unmanaged = new ProcessBuilder("sleep", this.marker).start();
		try {
			ProcessOverview overview = ProcessOverview.take(this.factory);
			assertThat(overview.managed()).isEmpty();
			assertThat(overview.otherChildren()).filteredOn((child) -> child.pid() == unmanaged.pid())
				.singleElement()
				.satisfies((child) -> {
					assertThat(child.command()).containsExactly("sleep", this.marker);
					assertThat(child.startedAt()).isPresent();
				});
			assertThat(overview.pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(overview.zombieDetection()).isTrue();
			assertThat(overview.reaper()).isEmpty();
			assertThat(overview.takenAt()).isBeforeOrEqualTo(Instant.now());
		}
		finally {
			unmanaged.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void zombieChildOfTheJvmIsAmongTheZombies() throws Exception {
		OperatingSystem os = this.factory.operatingSystem();
		assumeTrue(os.canReap(), "the child subreaper needs Linux with native calls: " + os.limitations());
		boolean wasSubreaper = os.isChildSubreaper();
		assumeTrue(os.setChildSubreaper(true), "prctl(PR_SET_CHILD_SUBREAPER) refused");
		long orphan = -1;
		try {
			// the shell leaves its sleep behind; as subreaper this JVM becomes its
			// parent, and nobody waits for it
			ProcessResult maker = this.factory.command("sh", "-c", "sleep " + this.marker + " & echo $!").run();
			orphan = Long.parseLong(maker.stdout().trim());
			long pid = orphan;
			await().atMost(10, TimeUnit.SECONDS)
				.until(() -> os.process(pid).map((info) -> info.parentPid() == os.currentPid()).orElse(false));
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
			ProcessOverview.Zombie zombie = await().atMost(10, TimeUnit.SECONDS)
				.until(() -> ProcessOverview.take(this.factory)
					.zombies()
					.stream()
					.filter((each) -> each.process().pid() == pid)
					.findFirst(), Optional::isPresent)
				.orElseThrow();
			assertThat(zombie.process().isZombie()).isTrue();
			assertThat(zombie.process().state()).isEqualTo(ProcessSnapshot.State.ZOMBIE);
			assertThat(zombie.process().parentPid()).isEqualTo(os.currentPid());
			assertThat(zombie.since()).isEmpty();
			assertThat(ProcessOverview.take(this.factory).otherChildren()).noneMatch((child) -> child.pid() == pid);
			// the light overview for health and metrics sees it too
			try (OrphanReaper idle = OrphanReaper.builder(os).build()) {
				assertThat(ProcessOverview.takeWithoutDescendants(this.factory, idle).zombies())
					.anyMatch((each) -> each.process().pid() == pid);
			}
		}
		finally {
			if (orphan > 0) {
				long pid = orphan;
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
				await().atMost(10, TimeUnit.SECONDS).until(() -> os.reap(pid).isPresent() || os.process(pid).isEmpty());
			}
			os.setChildSubreaper(wasSubreaper);
		}
	}

	@Test
	void overviewOfAnIdleFactoryHasNoTrees() throws IOException {
		ProcessOverview overview = ProcessOverview.take(this.factory);
		assertThat(overview.managed()).isEmpty();
		assertThat(overview.descendantsIncluded()).isTrue();
		assertThat(overview.platform()).isEqualTo(this.factory.operatingSystem().description());
		assertThat(Duration.between(overview.takenAt(), Instant.now())).isLessThan(Duration.ofMinutes(1));
	}

}
