package dev.managedprocesses.os;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Linux layer against the real kernel: {@code /proc} parsing and signals that never
 * hit a reused pid.
 */
class ProcFsAndSignalTests {

	private OperatingSystem os;

	@BeforeEach
	void setUp() {
		this.os = OperatingSystem.current();
		assumeTrue(this.os instanceof LinuxOperatingSystem, "needs Linux with /proc");
	}

	@Test
	void describesItselfAndTheJvm() {
		assertThat(this.os.description()).startsWith("linux");
		assertThat(this.os.canSeeZombies()).isTrue();
		assertThat(this.os.canReap()).as("JNA loads libc here").isTrue();
		assertThat(this.os.limitations()).isEmpty();
		ProcessInfo self = this.os.process(this.os.currentPid()).orElseThrow();
		assertThat(self.parentPid()).isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
		assertThat(self.command().get(0)).endsWith("java");
		assertThat(self.isAlive()).isTrue();
	}

	@Test
	void readsChildCommandLineEnvironmentAndChildren() throws Exception {
		ProcessBuilder builder = new ProcessBuilder("sh", "-c", "read line", "arg with space");
		// a shell blocked reading its (open) stdin: no grandchild to clean up
		builder.environment().put("PROCFS_TEST_VARIABLE", "value with = sign");
		Process child = builder.start();
		try {
			// right after start() the child may not have exec'd yet (the JDK spawns
			// through a helper)
			org.awaitility.Awaitility.await()
				.atMost(5, TimeUnit.SECONDS)
				.until(() -> this.os.process(child.pid()).orElseThrow().command().size() == 4);
			ProcessInfo info = this.os.process(child.pid()).orElseThrow();
			assertThat(info.command()).containsExactly("sh", "-c", "read line", "arg with space");
			assertThat(info.parentPid()).isEqualTo(this.os.currentPid());
			assertThat(this.os.environmentVariable(child.pid(), "PROCFS_TEST_VARIABLE")).contains("value with = sign");
			assertThat(this.os.environmentVariable(child.pid(), "NO_SUCH_VARIABLE_HERE")).isEmpty();
			assertThat(this.os.children(this.os.currentPid())).contains(child.pid());
			assertThat(ProcessTable.read(this.os).children(this.os.currentPid())).extracting(ProcessInfo::pid)
				.contains(child.pid());
		}
		finally {
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void countsOpenDescriptorsExactly() throws Exception {
		// the shell opens two more descriptors, then waits on its (open) stdin
		Process child = new ProcessBuilder("sh", "-c", "exec 7</dev/null 8</dev/null; read line").start();
		try {
			// the three standard descriptors the JDK leaves (it closes every other one in
			// the child), then five once the redirections ran
			org.awaitility.Awaitility.await()
				.atMost(10, TimeUnit.SECONDS)
				.until(() -> this.os.openFiles(child.pid()).orElse(-1) == 5);
			String[] listed = new java.io.File("/proc/" + child.pid() + "/fd").list();
			assertThat(listed).as("the listing agrees").hasSize(5);
		}
		finally {
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		assertThat(this.os.openFiles(Long.MAX_VALUE / 2)).as("no such process").isEmpty();
	}

	@Test
	void signalWithWrongStartTimeIsNotDelivered() throws Exception {
		Process child = new ProcessBuilder("sleep", "30.25").start();
		try {
			ProcessInfo info = this.os.process(child.pid()).orElseThrow();
			// the same pid with another start time is what a reused pid looks like
			assertThat(this.os.signal(new ProcessId(child.pid(), info.startTime() + 1), Signal.KILL)).isFalse();
			assertThat(child.waitFor(300, TimeUnit.MILLISECONDS)).as("still running").isFalse();
			assertThat(this.os.signal(info.id(), Signal.TERM)).isTrue();
			assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(child.exitValue()).isEqualTo(128 + 15);
			assertThat(this.os.signal(info.id(), Signal.KILL)).as("gone").isFalse();
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void seesAZombieAndTheKernelNameOfItsCommand() throws Exception {
		// the grandchild's parent is the shell, which does not wait for it while it
		// sleeps: a real zombie
		Process shell = new ProcessBuilder("sh", "-c", "sleep 0.1 & exec sleep 30.75").start();
		try {
			long zombiePid = waitForChildOf(shell.pid());
			ProcessInfo zombie = null;
			for (int i = 0; i < 100 && (zombie == null || !zombie.isZombie()); i++) {
				Thread.sleep(50);
				zombie = this.os.process(zombiePid).orElseThrow();
			}
			assertThat(zombie.isZombie()).isTrue();
			assertThat(zombie.isAlive()).isFalse();
			assertThat(zombie.command()).containsExactly("sleep");
		}
		finally {
			shell.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private long waitForChildOf(long pid) throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			List<Long> children = this.os.children(pid);
			if (!children.isEmpty()) {
				return children.get(0);
			}
			Thread.sleep(20);
		}
		throw new AssertionError("no child of " + pid);
	}

	@Test
	void decodesWaitStatus() {
		assertThat(ExitStatus.fromWaitStatus(7 << 8)).isEqualTo(new ExitStatus(7, java.util.OptionalInt.empty()));
		ExitStatus killed = ExitStatus.fromWaitStatus(9);
		assertThat(killed.exitCode()).isEqualTo(137);
		assertThat(killed.killedBySignal()).isTrue();
		assertThat(killed.signal()).hasValue(9);
	}

}
