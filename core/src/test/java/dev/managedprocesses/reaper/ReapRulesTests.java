package dev.managedprocesses.reaper;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reaper's candidate rules, one by one, against a process table the test controls.
 */
class ReapRulesTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final FakeOperatingSystem os = new FakeOperatingSystem();

	private final Set<Long> owned = new HashSet<>();

	private final Set<Long> jdkWaits = new HashSet<>();

	private final Set<ProcessId> orphans = new HashSet<>();

	private final ReapRules rules = new ReapRules(this.os, this.owned::contains, SECOND,
			(pids) -> pids.stream().filter(this.jdkWaits::contains).collect(java.util.stream.Collectors.toSet()),
			this.orphans::contains);

	@Test
	void zombieOlderThanTheMinimumAgeIsReapable() {
		this.os.zombie(200, 5);
		assertThat(this.rules.reapable(0)).isEmpty();
		assertThat(this.rules.zombieSince(200)).isPresent();
		assertThat(this.rules.reapable(SECOND - 1)).as("younger than the minimum age").isEmpty();
		assertThat(pids(this.rules.reapable(SECOND))).containsExactly(200L);
	}

	@Test
	void ownedPidIsNeverReapable() {
		this.os.zombie(200, 5);
		this.owned.add(200L);
		this.rules.reapable(0);
		assertThat(this.rules.reapable(10 * SECOND)).isEmpty();
		assertThat(this.rules.zombieSince(200)).as("not even a candidate").isEmpty();
	}

	@Test
	void jdkWaiterVetoes() {
		this.os.zombie(200, 5);
		this.os.zombie(201, 5);
		this.jdkWaits.add(200L);
		this.rules.reapable(0);
		assertThat(pids(this.rules.reapable(10 * SECOND))).containsExactly(201L);
		this.jdkWaits.clear();
		assertThat(pids(this.rules.reapable(10 * SECOND))).containsExactlyInAnyOrder(200L, 201L);
	}

	@Test
	void startTimeChangeResetsTheAge() {
		this.os.zombie(200, 5);
		this.rules.reapable(0);
		// the same pid, another process (reaped by someone else, pid reused, a zombie
		// again)
		this.os.zombie(200, 6);
		assertThat(this.rules.reapable(SECOND)).as("a new process, seen just now").isEmpty();
		assertThat(pids(this.rules.reapable(2 * SECOND))).containsExactly(200L);
	}

	@Test
	void pausedSweepResetsEveryAge() {
		this.os.zombie(200, 5);
		this.rules.reapable(0);
		this.rules.paused(SECOND);
		assertThat(this.rules.reapable(SECOND)).isEmpty();
		assertThat(this.rules.reapable(2 * SECOND - 1)).isEmpty();
		assertThat(pids(this.rules.reapable(2 * SECOND))).containsExactly(200L);
	}

	@Test
	void grandchildSeenUnderAnotherParentIsReapableAtOnce() {
		ProcessInfo zombie = this.os.zombie(200, 5);
		this.orphans.add(zombie.id());
		assertThat(pids(this.rules.reapable(0))).containsExactly(200L);
	}

	@Test
	void watchedGrandchildIsStillVetoedByAJdkWaiter() {
		ProcessInfo zombie = this.os.zombie(200, 5);
		this.orphans.add(zombie.id());
		this.jdkWaits.add(200L);
		assertThat(this.rules.reapable(0)).isEmpty();
	}

	@Test
	void liveChildrenAndChildrenOfOtherProcessesAreNotCandidates() {
		this.os.put(new ProcessInfo(200, FakeOperatingSystem.SELF, 'S', 5, List.of("sleep")));
		this.os.put(new ProcessInfo(300, 200, 'Z', 5, List.of("sleep")));
		this.rules.reapable(0);
		assertThat(this.rules.reapable(10 * SECOND)).isEmpty();
	}

	@Test
	void sweepReadsNoCommandLine() {
		// a burst: many live children busy exec'ing and exiting, whose command lines
		// would each wait on the child's memory map
		for (long pid = 200; pid < 300; pid++) {
			this.os.put(new ProcessInfo(pid, FakeOperatingSystem.SELF, 'R', 5, List.of("date")));
		}
		this.os.zombie(300, 5);
		this.rules.reapable(0);
		assertThat(this.rules.reapable(10 * SECOND)).extracting(ProcessInfo::pid).containsExactly(300L);
		assertThat(this.os.commandLineReads).isEmpty();
	}

	@Test
	void noZombieChildClearsEveryAge() {
		this.os.zombie(200, 5);
		this.rules.reapable(0);
		this.os.put(new ProcessInfo(200, FakeOperatingSystem.SELF, 'S', 5, List.of("sleep")));
		this.rules.reapable(SECOND);
		this.os.zombie(200, 5);
		assertThat(this.rules.reapable(SECOND)).as("age restarted").isEmpty();
	}

	@Test
	void descendantWatcherRecognisesAnOrphanedGrandchild() {
		this.os.put(new ProcessInfo(200, FakeOperatingSystem.SELF, 'S', 5, List.of("sh", "-c", "x")));
		this.os.put(new ProcessInfo(300, 200, 'S', 7, List.of("sleep", "2")));
		DescendantWatcher watcher = new DescendantWatcher(this.os);
		watcher.look();
		// the parent exits and is reaped by the JDK; the grandchild is orphaned to the
		// JVM and exits
		this.os.put(new ProcessInfo(300, FakeOperatingSystem.SELF, 'Z', 7, List.of("sleep")));
		watcher.look();
		ProcessId grandchild = new ProcessId(300, 7);
		assertThat(watcher.wasSeenUnderAnotherParent(grandchild)).isTrue();
		assertThat(watcher.command(grandchild)).contains(List.of("sleep", "2"));
		assertThat(watcher.wasSeenUnderAnotherParent(new ProcessId(200, 5))).as("the JVM's own child").isFalse();
		assertThat(watcher.wasSeenUnderAnotherParent(new ProcessId(300, 8))).as("another start time").isFalse();
	}

	@Test
	void descendantWatcherReadsACommandLineOnlyOnceAProcess() {
		this.os.put(new ProcessInfo(200, FakeOperatingSystem.SELF, 'S', 5, List.of("sh", "-c", "x")));
		for (long pid = 300; pid < 400; pid++) {
			this.os.put(new ProcessInfo(pid, 200, 'S', 7, List.of("sleep", "2")));
		}
		DescendantWatcher watcher = new DescendantWatcher(this.os);
		watcher.look();
		watcher.look();
		this.os.put(new ProcessInfo(350, 200, 'S', 8, List.of("sleep", "3")));
		watcher.look();
		assertThat(this.os.commandLineReads).hasSize(101).doesNotContain(200L);
		assertThat(watcher.command(new ProcessId(399, 7))).contains(List.of("sleep", "2"));
		assertThat(watcher.command(new ProcessId(350, 8))).as("a reused pid is a new process")
			.contains(List.of("sleep", "3"));
	}

	@Test
	void reaperReapsWhatTheRulesAllowAndRecordsHowItEnded() {
		OrphanReaper reaper = OrphanReaper.builder(this.os).mode(ReaperMode.ALWAYS).historySize(1).build();
		this.os.zombie(200, 5);
		reaper.sweep(0);
		assertThat(this.os.reaped).isEmpty();
		reaper.sweep(2 * SECOND);
		assertThat(this.os.reaped).containsExactly(200L);
		ReapedProcess reaped = reaper.history().get(0);
		assertThat(reaped.exitCode()).hasValue(3);
		assertThat(reaped.signal()).isEmpty();
		assertThat(reaped.exitValue()).isEqualTo(3);
		assertThat(reaper.status().reaped()).isEqualTo(1);
	}

	private static List<Long> pids(List<ProcessInfo> processes) {
		return processes.stream().map(ProcessInfo::pid).toList();
	}

}
