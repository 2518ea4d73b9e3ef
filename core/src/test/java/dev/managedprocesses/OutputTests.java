package dev.managedprocesses;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Output is always drained, bounded when captured, and delivered line by line; faults in
 * callbacks never hang the caller.
 */
class OutputTests {

	private final ManagedProcessFactory factory = ManagedProcessFactory.create();

	@AfterEach
	void tearDown() {
		this.factory.close();
	}

	@Test
	void capturesStdoutAndStderrSeparately() throws Exception {
		ProcessResult result = this.factory.command("sh", "-c", "echo out; echo err >&2; exit 3").run();
		assertThat(result.stdout()).isEqualTo("out\n");
		assertThat(result.stderr()).isEqualTo("err\n");
		assertThat(result.exitCode()).isEqualTo(3);
		assertThat(result.outputTruncated()).isFalse();
	}

	@Test
	void twoHundredMegabytesWithOneMegabyteLimitIsTruncatedAndHeapStaysBounded() throws Exception {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		long before = memory.getHeapMemoryUsage().getUsed();
		AtomicLong peak = new AtomicLong();
		ManagedProcess process = this.factory
			.command("sh", "-c", "head -c 209715200 /dev/zero | tr '\\0' 'x'; echo; echo END")
			.captureOutput(1_000_000)
			.start();
		while (process.await(Duration.ofMillis(50)).isEmpty()) {
			peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
		}
		ProcessResult result = process.await();
		assertThat(result.isSuccess()).isTrue();
		assertThat(result.outputTruncated()).isTrue();
		assertThat(result.stdout()).startsWith("xxxx").endsWith("\nEND\n").contains("bytes omitted");
		assertThat(result.stdout().length()).isLessThan(1_000_100);
		// 200 MB went through; the heap grew by far less (garbage from the read buffer is
		// collected on the way),
		// also at its peak while the output streamed: the capture never held more than
		// its limit
		assertThat(peak.get()).as("peak heap use while 200 MB streamed through (sampled every 50 ms)")
			.isLessThan(before + 160L * 1024 * 1024);
		System.gc();
		assertThat(memory.getHeapMemoryUsage().getUsed() - before).isLessThan(64L * 1024 * 1024);
	}

	@Test
	void childWritingMoreThanPipeBufferToBothStreamsNeverBlocks() throws Exception {
		ProcessResult result = this.factory
			.command("sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line$i; echo err$i >&2; i=$((i+1)); done")
			.timeout(Duration.ofSeconds(30))
			.run();
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.EXITED);
		assertThat(result.stdout().lines()).hasSize(2000).endsWith("line1999");
		assertThat(result.stderr().lines()).hasSize(2000).endsWith("err1999");
	}

	@Test
	void deliversLinesToCallbacks() throws Exception {
		List<String> out = new CopyOnWriteArrayList<>();
		List<String> err = new CopyOnWriteArrayList<>();
		ProcessResult result = this.factory.command("sh", "-c", "printf 'a\\nb\\r\\nc'; echo x >&2")
			.onOutputLine(out::add)
			.onErrorLine(err::add)
			.run();
		assertThat(out).containsExactly("a", "b", "c");
		assertThat(err).containsExactly("x");
		assertThat(result.failure()).isEmpty();
	}

	@Test
	void throwingCallbackIsRecordedAndOutputKeepsDraining() throws Exception {
		ProcessResult result = this.factory.command("sh", "-c", "seq 1 100000").onOutputLine((line) -> {
			throw new IllegalArgumentException("boom at " + line);
		}).timeout(Duration.ofSeconds(30)).start().onExit().get(30, TimeUnit.SECONDS);
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.EXITED);
		assertThat(result.isSuccess()).isTrue();
		assertThat(result.stdout()).endsWith("100000\n");
		assertThat(result.failure())
			.hasValueSatisfying((failure) -> assertThat(failure).hasRootCauseMessage("boom at 1"));
		assertThat(this.factory.processes()).isEmpty();
	}

	@Test
	void discardedOutputNeedsNoThread() throws Exception {
		ManagedProcess process = this.factory.command("sh", "-c", "seq 1 100000; sleep 0.5").discardOutput().start();
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.getName().equals("managed-process-output-" + process.pid()));
		ProcessResult result = process.await();
		assertThat(result.isSuccess()).isTrue();
		assertThat(result.stdout()).isEmpty();
	}

	@Test
	void redirectsOutputToFile(@TempDir Path dir) throws Exception {
		Path out = dir.resolve("out.txt");
		Path err = dir.resolve("err.txt");
		ProcessResult result = this.factory.command("sh", "-c", "echo hello; echo oops >&2")
			.redirectOutput(out)
			.redirectError(err)
			.run();
		assertThat(result.isSuccess()).isTrue();
		assertThat(Files.readString(out)).isEqualTo("hello\n");
		assertThat(Files.readString(err)).isEqualTo("oops\n");
	}

	@Test
	void stdinIsClosedUnlessInputIsGiven() throws Exception {
		ProcessResult result = this.factory.command("cat").timeout(Duration.ofSeconds(10)).run();
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.EXITED);
		assertThat(result.stdout()).isEmpty();
	}

	@Test
	void feedsInputFromStringBytesAndFile(@TempDir Path dir) throws Exception {
		assertThat(this.factory.command("cat").input("hello\nworld").run().stdout()).isEqualTo("hello\nworld");
		byte[] big = new byte[1024 * 1024];
		java.util.Arrays.fill(big, (byte) 'y');
		// larger than a pipe buffer, for a child that reads it slowly: no writer thread
		// to deadlock
		assertThat(this.factory.command("sh", "-c", "sleep 0.2; wc -c").input(big).run().stdout().trim())
			.isEqualTo("1048576");
		Path file = dir.resolve("in.txt");
		Files.writeString(file, "from file");
		assertThat(this.factory.command("cat").input(file).run().stdout()).isEqualTo("from file");
	}

	@Test
	void logsOutputThroughSlf4j() throws Exception {
		// slf4j-simple writes to System.err as it is at each call: catch what it writes
		// during the run
		java.io.PrintStream original = System.err;
		java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
		ProcessResult result;
		System.setErr(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
		try {
			result = this.factory.command("sh", "-c", "echo logged; echo complained >&2")
				.name("logging-test")
				.logOutput()
				.run();
		}
		finally {
			System.setErr(original);
		}
		assertThat(result.stdout()).isEqualTo("logged\n");
		assertThat(result.stderr()).isEqualTo("complained\n");
		String log = logged.toString(java.nio.charset.StandardCharsets.UTF_8);
		assertThat(log).as("standard output at INFO")
			.containsPattern("INFO dev\\.managedprocesses\\.output\\.logging-test - logged");
		assertThat(log).as("standard error at WARN")
			.containsPattern("WARN dev\\.managedprocesses\\.output\\.logging-test - complained");
	}

	@Test
	void environmentAndDirectoryReachTheChild(@TempDir Path dir) throws Exception {
		ProcessResult result = this.factory.command("sh", "-c", "echo $GREETING; pwd; echo ${HOME:-nohome}")
			.environment("GREETING", "hi")
			.inheritEnvironment(false)
			.directory(dir)
			.run();
		assertThat(result.stdout().lines()).containsExactly("hi", dir.toRealPath().toString(), "nohome");
	}

	@Test
	void everyProcessCarriesItsTreeMarker() throws Exception {
		ManagedProcess process = this.factory.command("sh", "-c", "echo $" + ManagedProcessFactory.TREE_VARIABLE)
			.start();
		ProcessResult result = process.await();
		assertThat(result.stdout().trim()).isEqualTo(process.treeId());
	}

	@Test
	void backgroundChildFloodingTheInheritedPipeDoesNotHoldTheResult() throws Exception {
		String marker = TestProcesses.marker();
		try {
			// `yes` outlives the shell and keeps writing into the pipe the shell got from
			// us
			ProcessResult result = this.factory.command("sh", "-c", "yes " + marker + " & echo started")
				.start()
				.onExit()
				.get(20, TimeUnit.SECONDS);
			assertThat(result.isSuccess()).isTrue();
			assertThat(result.stdout()).contains("started");
		}
		finally {
			TestProcesses.killAll(marker);
		}
	}

}
