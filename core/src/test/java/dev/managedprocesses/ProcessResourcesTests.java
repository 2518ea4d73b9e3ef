package dev.managedprocesses;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Resource use of real processes in a {@link ProcessOverview}: CPU time of a busy loop
 * grows while an idle {@code sleep} stays near zero, a process holding 100 MB shows it, a
 * tree's sums are its members' sums, and a result carries the samples.
 */
class ProcessResourcesTests {

	private static final long MB = 1024 * 1024;

	private final String marker = TestProcesses.marker();

	private final OperatingSystem os = OperatingSystem.current();

	private ManagedProcessFactory factory;

	private OrphanReaper reaper;

	@BeforeEach
	void setUp() {
		assumeTrue(TestProcesses.linux(), "resource use is read from /proc");
		this.factory = ManagedProcessFactory.builder().operatingSystem(this.os).build();
		this.reaper = OrphanReaper.builder(this.os).mode(ReaperMode.NEVER).subreaper(false).build();
	}

	@AfterEach
	void tearDown() throws Exception {
		if (this.factory != null) {
			this.factory.close();
			this.reaper.close();
		}
		TestProcesses.killAll(this.marker);
	}

	@Test
	void cpuTimeOfABusyLoopGrowsWhileAnIdleSleepStaysNearZero() {
		ManagedProcess busy = this.factory.command("sh", "-c", "while :; do :; done", this.marker).name("busy").start();
		ManagedProcess idle = this.factory.command("sleep", "300", this.marker).name("idle").start();
		ProcessOverview first = ProcessOverview.take(this.factory, this.reaper);
		assertThat(usage(first, busy).cpuPercent()).as("no share on the first sight").isEmpty();
		Duration busyAtFirst = usage(first, busy).cpu();
		// on a loaded machine the loop gets what the scheduler gives it: wait for 200 ms
		// of CPU, however long
		await().atMost(60, TimeUnit.SECONDS)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> usage(ProcessOverview.take(this.factory, this.reaper), busy).cpu()
				.compareTo(busyAtFirst.plusMillis(200)) >= 0);
		ProcessOverview later = await().atMost(60, TimeUnit.SECONDS)
			.pollDelay(ProcessOverview.MIN_CPU_INTERVAL)
			.until(() -> ProcessOverview.take(this.factory, this.reaper, first),
					(overview) -> usage(overview, busy).cpuPercent().orElse(0) > 0);
		ResourceUsage busyUsage = usage(later, busy);
		ResourceUsage idleUsage = usage(later, idle);
		assertThat(busyUsage.cpu()).isGreaterThanOrEqualTo(busyAtFirst.plusMillis(200));
		assertThat(idleUsage.cpu()).isLessThan(Duration.ofMillis(100));
		assertThat(idleUsage.cpuPercent()).isPresent();
		assertThat(idleUsage.cpuPercent().getAsDouble()).isLessThan(5);
		assertThat(busyUsage.threads()).hasValue(1);
		// stdin, stdout and stderr at least
		assertThat(idleUsage.openFiles().getAsInt()).isGreaterThanOrEqualTo(3);
		assertThat(idleUsage.rssBytes().getAsLong()).isPositive().isLessThan(50 * MB);
		busy.kill().join();
	}

	@Test
	void aProcessHolding100MbShowsItAndTreeSumsAreTheMembersSums() {
		// the shell keeps 100 MB of 'a' in a variable, then waits on a sleep child: a
		// tree of two
		ManagedProcess holder = this.factory
			.command("sh", "-c", "x=$(head -c 104857600 /dev/zero | tr '\\0' a); sleep 300 \"$0\"; echo ${#x}",
					this.marker)
			.name("holder")
			.start();
		ProcessOverview.ManagedTree tree = await().atMost(60, TimeUnit.SECONDS)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> tree(ProcessOverview.take(this.factory, this.reaper), holder),
					(found) -> found.isPresent()
							&& found.get().descendants().stream().anyMatch((d) -> d.command().contains("sleep")))
			.orElseThrow();
		ResourceUsage root = tree.root().flatMap(ProcessSnapshot::resources).orElseThrow();
		assertThat(root.rssBytes().getAsLong()).isGreaterThanOrEqualTo(100 * MB);
		List<ResourceUsage> members = new java.util.ArrayList<>();
		members.add(root);
		tree.descendants().forEach((descendant) -> members.add(descendant.resources().orElseThrow()));
		ResourceUsage sums = tree.resources().orElseThrow();
		assertThat(sums.cpu())
			.isEqualTo(members.stream().map(ResourceUsage::cpu).reduce(Duration.ZERO, Duration::plus));
		assertThat(sums.rssBytes().getAsLong())
			.isEqualTo(members.stream().mapToLong((usage) -> usage.rssBytes().getAsLong()).sum());
		assertThat(sums.threads().getAsInt())
			.isEqualTo(members.stream().mapToInt((usage) -> usage.threads().getAsInt()).sum());
		assertThat(sums.openFiles().getAsInt())
			.isEqualTo(members.stream().mapToInt((usage) -> usage.openFiles().getAsInt()).sum());
		// the result carries the samples: the peak seen (VmHWM) holds the 100 MB
		ProcessResult result = holder.kill().join();
		assertThat(result.peakRssBytes().getAsLong()).isGreaterThanOrEqualTo(100 * MB);
		assertThat(result.cpu()).isPresent();
	}

	@Test
	void aResultOfAProcessNeverSampledHasNoResources() throws Exception {
		ProcessResult result = this.factory.command("true").run();
		assertThat(result.cpu()).isEmpty();
		assertThat(result.peakRssBytes()).isEmpty();
	}

	private static ResourceUsage usage(ProcessOverview overview, ManagedProcess process) {
		return tree(overview, process).flatMap(ProcessOverview.ManagedTree::root)
			.flatMap(ProcessSnapshot::resources)
			.orElseThrow(() -> new AssertionError("no resources for " + process.pid() + " in " + overview.managed()));
	}

	private static Optional<ProcessOverview.ManagedTree> tree(ProcessOverview overview, ManagedProcess process) {
		return overview.managed().stream().filter((tree) -> tree.process().pid() == process.pid()).findFirst();
	}

}
