package dev.managedprocesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.managedprocesses.internal.io.IoLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 13: on Linux the event-driven engine is the default for captured streams. These
 * tests prove it is the one in use (no output thread per process, one I/O thread per
 * factory), and that what the pump did still holds through it.
 */
class EngineWiringTests {

	private final String marker = TestProcesses.marker();

	private ManagedProcessFactory factory;

	@BeforeEach
	void engineOnly() {
		assumeTrue(TestProcesses.linux() && ProcessLauncher.ENGINE,
				"the engine needs Linux with JNA and is not switched off by -Dmanagedprocesses.io=pump");
		this.factory = ManagedProcessFactory.builder().maxConcurrent(200).build();
	}

	@AfterEach
	void cleanUp() {
		if (this.factory != null) {
			this.factory.close();
		}
		TestProcesses.killAll(this.marker);
	}

	@Test
	void fiftyCapturedProcessesRunWithoutAThreadEachAndShareOneIoThread(@TempDir Path dir) throws Exception {
		Path go = dir.resolve("go");
		// warm up the factory's own threads (I/O loop, callback pool) so they do not
		// count as growth
		this.factory.command("echo", "warm").run();
		this.factory.command("echo", "warm").start().await();
		int before = Thread.activeCount();
		List<ManagedProcess> processes = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			processes
				.add(this.factory
					.command("sh", "-c", "echo started $1; while [ ! -e \"$0\" ]; do sleep 0.05; done; echo done $1",
							go.toString(), String.valueOf(i), this.marker)
					.start());
		}
		await().atMost(Duration.ofSeconds(60))
			.until(() -> processes.stream().allMatch((p) -> p.outputTail(100).contains("started")));
		List<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
		assertThat(names).noneMatch((name) -> name.startsWith("managed-process-output-"));
		assertThat(names.stream().filter("managed-processes-io"::equals)).hasSize(1);
		// the JDK itself keeps a reaper thread per child (raw ProcessBuilder too); we add
		// none
		long jdkReapers = names.stream().filter((name) -> name.startsWith("process reaper")).count();
		assertThat(Thread.activeCount() - jdkReapers).as("threads besides the JDK's reapers, 50 running")
			.isLessThanOrEqualTo(before + 5);
		Files.createFile(go);
		for (int i = 0; i < processes.size(); i++) {
			ProcessResult result = processes.get(i).onExit().get(60, TimeUnit.SECONDS);
			assertThat(result.stdout()).isEqualTo("started " + i + "\ndone " + i + "\n");
		}
	}

	@Test
	void runCapturesWithoutAnyNewThreadInTheCallersWay() throws Exception {
		this.factory.command("true").run();
		List<String> threadsSeenByChild = new CopyOnWriteArrayList<>();
		ProcessResult result = this.factory.command("sh", "-c", "echo out; echo err >&2; exit 4")
			.onOutputLine((line) -> threadsSeenByChild.add(Thread.currentThread().getName()))
			.run();
		assertThat(result.stdout()).isEqualTo("out\n");
		assertThat(result.stderr()).isEqualTo("err\n");
		assertThat(result.exitCode()).isEqualTo(4);
		assertThat(threadsSeenByChild).hasSize(1).noneMatch((name) -> name.startsWith("managed-process"));
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((t) -> t.getName().startsWith("managed-process-output-"));
	}

	@Test
	void mergedErrorNeedsOnlyTheOutputPipe() throws Exception {
		ProcessResult result = this.factory.command("sh", "-c", "echo out; echo err >&2; echo out2")
			.mergeErrorIntoOutput()
			.run();
		assertThat(result.stdout()).isEqualTo("out\nerr\nout2\n");
		assertThat(result.stderr()).isEmpty();
	}

	@Test
	void interruptedRunHandsItsPipesToTheIoLoopAndOutputKeepsComing(@TempDir Path dir) throws Exception {
		Path go = dir.resolve("go");
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread runner = new Thread(() -> {
			try {
				this.factory
					.command("sh", "-c", "echo before; while [ ! -e \"$0\" ]; do sleep 0.05; done; echo after",
							go.toString(), this.marker)
					.run();
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		runner.start();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.factory.processes().stream().anyMatch((p) -> p.outputTail(100).contains("before")));
		runner.interrupt();
		runner.join(10_000);
		assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
		ManagedProcess process = this.factory.processes().get(0);
		Files.createFile(go);
		ProcessResult result = process.onExit().get(30, TimeUnit.SECONDS);
		assertThat(result.stdout()).isEqualTo("before\nafter\n");
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((t) -> t.getName().startsWith("managed-process-output-"));
	}

	@Test
	void closingTheFactoryEndsItsIoThread() throws Exception {
		this.factory.command("echo", "hi").start().await();
		Thread io = this.factory.ioLoop().thread();
		assertThat(io.isAlive()).isTrue();
		this.factory.close();
		io.join(10_000);
		assertThat(io.isAlive()).isFalse();
		this.factory = null;
	}

	@Test
	void aClosedFactoryStartsNoIoThreadForALateHandOff() throws Exception {
		this.factory.command("echo", "warm").start().await();
		this.factory.close();
		// what a run() interrupted after close() asks for to hand its pipes over: the
		// closed loop (which closes what it is given and reports it), not a new thread
		IoLoop loop = this.factory.ioLoop();
		loop.thread().join(TimeUnit.SECONDS.toMillis(30));
		assertThat(loop.thread().isAlive()).isFalse();
		assertThat(this.factory.ioLoop()).isSameAs(loop);
		try (ManagedProcessFactory neverUsed = ManagedProcessFactory.create()) {
			neverUsed.close();
			IoLoop late = neverUsed.ioLoop();
			late.thread().join(TimeUnit.SECONDS.toMillis(30));
			assertThat(late.thread().isAlive()).as("created after close(), so created closed").isFalse();
		}
	}

}
