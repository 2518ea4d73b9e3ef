package dev.managedprocesses.internal.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.internal.OutputCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The event-driven engine with real {@code sh} children: the pipe handed to the JDK
 * through {@code /proc/self/fd}, the epoll loop and the synchronous poll waiter.
 */
class IoEngineTests {

	private final String marker = TestProcesses.marker();

	private final List<Process> started = new ArrayList<>();

	private ExecutorService callbacks;

	@BeforeEach
	void engineAvailable() {
		assumeTrue(CapturedPipes.available(), "the engine needs 64-bit Linux: " + CapturedPipes.unavailableReason());
		this.callbacks = Executors.newCachedThreadPool();
	}

	@AfterEach
	void cleanUp() {
		this.started.forEach(Process::destroyForcibly);
		TestProcesses.killAll(this.marker);
		if (this.callbacks != null) {
			this.callbacks.shutdownNow();
		}
	}

	@Test
	void childSeesAPipeAndTheWaiterReadsItsOutput() throws Exception {
		Child child = start("if [ -p /dev/stdout ]; then echo pipe; else echo notapipe; fi; echo err >&2", true);
		Bytes out = new Bytes();
		Bytes err = new Bytes();
		try (PollWaiter waiter = child.waiter(out, err)) {
			assertThat(waiter.await(30, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(out.text()).isEqualTo("pipe\n");
		assertThat(err.text()).isEqualTo("err\n");
		assertThat(out.ended).isTrue();
		assertThat(child.process.waitFor()).isZero();
	}

	@Test
	void waiterReadsTheExitCodeWithoutReapingAsTheJdkReportsIt() throws Exception {
		int peekedAtAll = 0;
		int children = 0;
		// which runs first once the child has exited, this thread or the JDK's reaper
		// thread, is the scheduler's choice: under load the JDK's won 100 times in a
		// row, so children keep coming (within a bound) until one was read from the pidfd
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		for (int round = 0; round < 20 || (peekedAtAll == 0 && round < 2000 && System.nanoTime() < deadline); round++) {
			for (String script : new String[] { "exit 0", "exit 7", "exit 255", "kill -TERM $$", "kill -KILL $$" }) {
				children++;
				Child child = start(script, true);
				int peeked;
				try (PollWaiter waiter = child.waiter(new Bytes(), new Bytes())) {
					assertThat(waiter.await(-1, TimeUnit.SECONDS)).isTrue();
					peeked = waiter.exitCode();
				}
				// the JDK still reaps its child and reports the same status: nothing was
				// taken from it (a stolen status would read 0 here). When the JDK's
				// thread
				// reaped first, the waiter read nothing (-1) and the JDK tells.
				int jdk = child.process.waitFor();
				if (peeked != -1) {
					peekedAtAll++;
					assertThat(peeked).as(script).isEqualTo(jdk);
				}
				assertThat(jdk).as(script).isEqualTo(expectedExitCode(script));
			}
		}
		assertThat(peekedAtAll).as("exit codes read from the pidfd before the JDK reaped, of " + children).isPositive();
	}

	private static int expectedExitCode(String script) {
		return switch (script) {
			case "exit 0" -> 0;
			case "exit 7" -> 7;
			case "exit 255" -> 255;
			case "kill -TERM $$" -> 143;
			default -> 137;
		};
	}

	@Test
	void waiterWithoutLimitWakesForEventsNotInABusyLoop() throws Exception {
		// a quiet child that lives a while: each poll() is a wake-up of the waiting
		// thread
		Child child = start("sleep 1", true);
		long start = System.nanoTime();
		int polls;
		try (PollWaiter waiter = child.waiter(new Bytes(), new Bytes())) {
			assertThat(waiter.await(-1, TimeUnit.NANOSECONDS)).isTrue();
			polls = waiter.polls();
		}
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		// the interrupt check wakes every 100 ms; a busy loop would wake every
		// millisecond or so
		assertThat(polls).as("polls in %d ms", elapsedMillis).isLessThan(10 + (int) (elapsedMillis / 20));
		assertThat(child.process.waitFor()).isZero();
	}

	@Test
	void largeOutputIsByteExactThroughTheWaiter() throws Exception {
		Digest out = new Digest();
		Child child = start("seq 1 6000000", false);
		try (PollWaiter waiter = child.waiter(out, null)) {
			assertThat(waiter.await(120, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(out.hex()).isEqualTo(expectedSeq(6_000_000));
	}

	@Test
	void largeOutputIsByteExactThroughTheLoop() throws Exception {
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			Digest out = new Digest();
			Child child = start("seq 1 6000000", false);
			CompletableFuture<Throwable> drained = child.register(loop, out, null);
			assertThat(drained.get(120, TimeUnit.SECONDS)).isNull();
			assertThat(out.ended).isTrue();
			assertThat(out.hex()).isEqualTo(expectedSeq(6_000_000));
		}
	}

	@Test
	void fiftyMegabytesOfBinaryAreCountedExactly() throws Exception {
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			Digest out = new Digest();
			Child child = start("head -c 52428800 /dev/zero", false);
			assertThat(child.register(loop, out, null).get(120, TimeUnit.SECONDS)).isNull();
			assertThat(out.count).isEqualTo(52_428_800L);
		}
	}

	@Test
	void interleavedStdoutAndStderrStaySeparateAndComplete() throws Exception {
		String script = "i=0; while [ $i -lt 3000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done";
		StringBuilder expectedOut = new StringBuilder();
		StringBuilder expectedErr = new StringBuilder();
		for (int i = 0; i < 3000; i++) {
			expectedOut.append("out").append(i).append('\n');
			expectedErr.append("err").append(i).append('\n');
		}
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			Bytes out = new Bytes();
			Bytes err = new Bytes();
			assertThat(start(script, true).register(loop, out, err).get(60, TimeUnit.SECONDS)).isNull();
			assertThat(out.text()).isEqualTo(expectedOut.toString());
			assertThat(err.text()).isEqualTo(expectedErr.toString());
		}
		Bytes out = new Bytes();
		Bytes err = new Bytes();
		try (PollWaiter waiter = start(script, true).waiter(out, err)) {
			assertThat(waiter.await(60, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(out.text()).isEqualTo(expectedOut.toString());
		assertThat(err.text()).isEqualTo(expectedErr.toString());
	}

	@Test
	void grandchildHoldingThePipeDoesNotHoldCompletion() throws Exception {
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			Bytes out = new Bytes();
			Child child = start("sleep " + this.marker + " & echo hi", true);
			assertThat(child.register(loop, out, new Bytes()).get(30, TimeUnit.SECONDS)).isNull();
			assertThat(out.text()).isEqualTo("hi\n");
			// the grandchild (forked before the echo, perhaps not yet exec'd into sleep)
			// still holds the pipe: completion did not wait for it
			await().atMost(30, TimeUnit.SECONDS)
				.untilAsserted(
						() -> assertThat(TestProcesses.alive(this.marker)).as("the grandchild still holds the pipe")
							.isNotEmpty());
		}
		Bytes out = new Bytes();
		try (PollWaiter waiter = start("sleep " + this.marker + " & echo hi", false).waiter(out, null)) {
			assertThat(waiter.await(30, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(out.text()).isEqualTo("hi\n");
		// the grandchild may not have exec'd into sleep yet: wait until the clean-up can
		// find it by its marker
		await().atMost(30, TimeUnit.SECONDS).until(() -> TestProcesses.alive(this.marker).size() >= 2);
	}

	@Test
	void twoHundredMegabytesIntoASmallCaptureNeverBlockTheChild() throws Exception {
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			OutputCapture capture = new OutputCapture(1024);
			Child child = start("head -c 209715200 /dev/zero; echo done", false);
			assertThat(child.register(loop, OutputSinks.capture(capture), null).get(120, TimeUnit.SECONDS)).isNull();
			assertThat(capture.total()).isEqualTo(209_715_200L + 5);
			assertThat(capture.truncated()).isTrue();
			assertThat(capture.text(StandardCharsets.US_ASCII)).endsWith("done\n");
			assertThat(child.process.waitFor()).isZero();
		}
	}

	@Test
	void threeHundredConcurrentProcessesOnOneLoop() throws Exception {
		int count = 300;
		int threadsBefore = Thread.activeCount();
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			List<CompletableFuture<Throwable>> drained = new ArrayList<>();
			List<Bytes> outputs = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				Bytes out = new Bytes();
				outputs.add(out);
				drained.add(start("echo started" + i + "; exec sleep " + this.marker, false).register(loop, out, null));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> TestProcesses.alive(this.marker).size() == count);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> outputs.stream().allMatch((out) -> out.text().startsWith("started")));
			assertThat(loop.size()).isEqualTo(count);
			assertThat(drained).noneMatch(CompletableFuture::isDone);
			assertThat(Thread.activeCount() - threadsBefore).as("one loop thread, no thread per process")
				.isLessThanOrEqualTo(1 + 2);
			this.started.forEach(Process::destroy);
			CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			for (int i = 0; i < count; i++) {
				assertThat(outputs.get(i).text()).isEqualTo("started" + i + "\n");
				assertThat(outputs.get(i).ended).isTrue();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> loop.size() == 0);
		}
	}

	@Test
	void noDescriptorLeaksAndTheThreadEndsOnClose() throws Exception {
		// warm up: JNA, the pool of read buffers, the JDK's process reaper
		runThroughBoth(3);
		long before = TestProcesses.openFileDescriptors();
		IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks);
		for (int i = 0; i < 30; i++) {
			assertThat(start("echo hi; echo err >&2", true).register(loop, new Bytes(), new Bytes())
				.get(30, TimeUnit.SECONDS)).isNull();
		}
		// a process still running when the loop closes: its descriptors go too, its
		// completion says why
		Child running = start("exec sleep " + this.marker, true);
		CompletableFuture<Throwable> abandoned = running.register(loop, new Bytes(), new Bytes());
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.size() == 1);
		loop.close();
		assertThat(loop.thread().isAlive()).isFalse();
		assertThat(abandoned.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
		running.process.destroyForcibly().waitFor();
		runThroughBoth(30);
		this.started.forEach(Process::destroyForcibly);
		for (Process process : this.started) {
			process.waitFor();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.openFileDescriptors() <= before);
	}

	@Test
	void exitIsSeenThroughThePidfdWhenTheChildClosedItsOutputEarly(@TempDir Path dir) throws Exception {
		Path go = dir.resolve("go");
		String script = "echo bye; exec >&- 2>&-; while [ ! -f " + go + " ]; do sleep 0.05; done; exit 3";
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			Bytes out = new Bytes();
			Child child = start(script, true);
			CompletableFuture<Throwable> drained = child.register(loop, out, new Bytes());
			await().atMost(Duration.ofSeconds(30)).until(() -> out.ended);
			Thread.sleep(200);
			assertThat(drained).as("output ended, the process did not").isNotDone();
			Files.createFile(go);
			assertThat(drained.get(30, TimeUnit.SECONDS)).isNull();
			assertThat(child.process.waitFor()).isEqualTo(3);
			assertThat(out.text()).isEqualTo("bye\n");
		}
	}

	@Test
	void aWaiterThatTimedOutHandsItsProcessToTheLoop(@TempDir Path dir) throws Exception {
		Path go = dir.resolve("go");
		Bytes out = new Bytes();
		Child child = start("echo a; while [ ! -f " + go + " ]; do sleep 0.05; done; echo b", false);
		PollWaiter waiter = child.waiter(out, null);
		assertThat(waiter.await(300, TimeUnit.MILLISECONDS)).isFalse();
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			CompletableFuture<Throwable> drained = new CompletableFuture<>();
			waiter.handOff(loop, child.process.pid(), drained::complete);
			Files.createFile(go);
			assertThat(drained.get(30, TimeUnit.SECONDS)).isNull();
			assertThat(out.text()).isEqualTo("a\nb\n");
			assertThat(out.ended).isTrue();
		}
	}

	@Test
	void linesRunOffTheLoopThreadInOrderAndASlowCallbackDoesNotStallOthers() throws Exception {
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			List<String> lines = new CopyOnWriteArrayList<>();
			List<String> threads = new CopyOnWriteArrayList<>();
			CompletableFuture<Void> release = new CompletableFuture<>();
			OutputSink slow = OutputSinks.lines(StandardCharsets.UTF_8, (line) -> {
				release.join();
				threads.add(Thread.currentThread().getName());
				lines.add(line);
			}, this.callbacks, (ex) -> {
			});
			CompletableFuture<Throwable> slowDone = start("echo a; echo b; printf c", false).register(loop, slow, null);
			// another process completes while the first one's callback is stuck
			Bytes other = new Bytes();
			assertThat(start("echo other", false).register(loop, other, null).get(30, TimeUnit.SECONDS)).isNull();
			assertThat(other.text()).isEqualTo("other\n");
			assertThat(slowDone.get(30, TimeUnit.SECONDS)).isNull();
			release.complete(null);
			await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() == 3);
			assertThat(lines).containsExactly("a", "b", "c");
			assertThat(threads).noneMatch((name) -> name.equals(loop.thread().getName()));
		}
	}

	@Test
	void aFailingSinkIsReportedAndTheChildStillDrains() throws Exception {
		try (IoLoop loop = new IoLoop("managed-processes-io-test", this.callbacks)) {
			OutputSink failing = new OutputSink() {

				@Override
				public void accept(byte[] bytes, int offset, int length) {
					throw new IllegalStateException("boom");
				}

				@Override
				public void end() {
				}

			};
			Child child = start("head -c 10000000 /dev/zero", false);
			Throwable failure = child.register(loop, failing, null).get(60, TimeUnit.SECONDS);
			assertThat(failure).hasMessage("boom");
			assertThat(child.process.waitFor()).isZero();
		}
	}

	private void runThroughBoth(int times) throws Exception {
		for (int i = 0; i < times; i++) {
			try (PollWaiter waiter = start("echo hi; echo err >&2", true).waiter(new Bytes(), new Bytes())) {
				assertThat(waiter.await(30, TimeUnit.SECONDS)).isTrue();
			}
		}
		try (IoLoop loop = new IoLoop("managed-processes-io-warmup", this.callbacks)) {
			for (int i = 0; i < times; i++) {
				start("echo hi", false).register(loop, new Bytes(), null).get(30, TimeUnit.SECONDS);
			}
		}
		for (Process process : this.started) {
			process.waitFor();
		}
	}

	private Child start(String script, boolean separateStderr) throws IOException {
		CapturedPipes pipes = CapturedPipes.open(true, separateStderr);
		ProcessBuilder builder = new ProcessBuilder("sh", "-c", script);
		pipes.redirect(builder);
		if (!separateStderr) {
			builder.redirectError(ProcessBuilder.Redirect.DISCARD);
		}
		Process process;
		try {
			process = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
		}
		catch (IOException ex) {
			pipes.close();
			throw ex;
		}
		pipes.started();
		this.started.add(process);
		return new Child(process, pipes, CapturedPipes.pidfd(process));
	}

	private static String expectedSeq(int last) throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		StringBuilder chunk = new StringBuilder();
		for (int i = 1; i <= last; i++) {
			chunk.append(i).append('\n');
			if (chunk.length() > 60_000) {
				digest.update(chunk.toString().getBytes(StandardCharsets.US_ASCII));
				chunk.setLength(0);
			}
		}
		digest.update(chunk.toString().getBytes(StandardCharsets.US_ASCII));
		return HexFormat.of().formatHex(digest.digest());
	}

	private record Child(Process process, CapturedPipes pipes, int pidfd) {

		PollWaiter waiter(OutputSink out, OutputSink err) {
			return new PollWaiter(this.pidfd, this.pipes.stdout(), out, this.pipes.stderr(), err);
		}

		CompletableFuture<Throwable> register(IoLoop loop, OutputSink out, OutputSink err) {
			CompletableFuture<Throwable> drained = new CompletableFuture<>();
			IoLoop.Registration registration = loop.register(this.process.pid(), this.pidfd, this.pipes.stdout(), out,
					this.pipes.stderr(), err, drained::complete);
			if (this.pidfd == -2) {
				this.process.onExit().thenRun(registration::exited);
			}
			return drained;
		}

	}

	/** Keeps every byte. */
	static final class Bytes implements OutputSink {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		volatile boolean ended;

		@Override
		public synchronized void accept(byte[] buffer, int offset, int length) {
			this.bytes.write(buffer, offset, length);
		}

		@Override
		public void end() {
			this.ended = true;
		}

		synchronized String text() {
			return this.bytes.toString(StandardCharsets.UTF_8);
		}

	}

	/** Hashes and counts every byte. */
	static final class Digest implements OutputSink {

		private final MessageDigest digest;

		volatile long count;

		volatile boolean ended;

		Digest() throws Exception {
			this.digest = MessageDigest.getInstance("SHA-256");
		}

		@Override
		public void accept(byte[] buffer, int offset, int length) {
			this.digest.update(buffer, offset, length);
			this.count += length;
		}

		@Override
		public void end() {
			this.ended = true;
		}

		String hex() {
			return HexFormat.of().formatHex(this.digest.digest());
		}

	}

}
