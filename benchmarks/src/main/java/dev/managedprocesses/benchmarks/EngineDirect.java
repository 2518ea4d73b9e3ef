package dev.managedprocesses.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.internal.io.CapturedPipes;
import dev.managedprocesses.internal.io.IoLoop;
import dev.managedprocesses.internal.io.OutputSink;
import dev.managedprocesses.internal.io.PollWaiter;

/**
 * The event-driven engine on its own, before it is wired into the factory: pipes owned
 * through {@code /proc/self/fd}, waited for with {@code poll()} in the calling thread
 * ({@link Mode#POLL}) or by the factory-wide epoll thread ({@link Mode#LOOP}). Shows the
 * engine's raw potential against raw {@link ProcessBuilder}.
 */
final class EngineDirect implements Library {

	enum Mode {

		POLL, LOOP

	}

	private final Mode mode;

	private final ExecutorService callbacks;

	private final IoLoop loop;

	EngineDirect(Mode mode) {
		this.mode = mode;
		if (mode == Mode.LOOP) {
			this.callbacks = Executors.newCachedThreadPool((task) -> {
				Thread thread = new Thread(task, "engine-callbacks");
				thread.setDaemon(true);
				return thread;
			});
			try {
				this.loop = new IoLoop("managed-processes-io", this.callbacks);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}
		else {
			this.callbacks = null;
			this.loop = null;
		}
	}

	@Override
	public String name() {
		return "engine (" + this.mode.name().toLowerCase() + ")";
	}

	@Override
	public int run(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		return process.waitFor();
	}

	@Override
	public String capture(List<String> command) throws Exception {
		CapturedPipes pipes = CapturedPipes.open(true, false);
		Process process;
		try {
			process = pipes.redirect(new ProcessBuilder(command))
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			pipes.close();
			throw ex;
		}
		pipes.started();
		int pidfd = CapturedPipes.pidfd(process);
		Bytes out = new Bytes();
		if (this.mode == Mode.POLL && pidfd != -2) {
			try (PollWaiter waiter = new PollWaiter(pidfd, pipes.stdout(), out, -1, null)) {
				waiter.await(-1, TimeUnit.SECONDS);
			}
		}
		else {
			CompletableFuture<Throwable> drained = new CompletableFuture<>();
			IoLoop.Registration registration = this.loop.register(process.pid(), pidfd, pipes.stdout(), out, -1, null,
					drained::complete);
			if (pidfd == -2) {
				process.onExit().thenRun(registration::exited);
			}
			drained.get();
		}
		process.waitFor();
		return out.toString();
	}

	@Override
	public Running start(List<String> command) throws Exception {
		throw new UnsupportedOperationException("the engine alone measures spawn and capture only");
	}

	@Override
	public void runWithTimeout(List<String> command, Duration timeout) throws Exception {
		throw new UnsupportedOperationException("the engine alone measures spawn and capture only");
	}

	@Override
	public void close() {
		if (this.loop != null) {
			this.loop.close();
			this.callbacks.shutdown();
		}
	}

	private static final class Bytes extends ByteArrayOutputStream implements OutputSink {

		Bytes() {
			super(1024);
		}

		@Override
		public void accept(byte[] bytes, int offset, int length) {
			write(bytes, offset, length);
		}

		@Override
		public void end() {
		}

		@Override
		public synchronized String toString() {
			return toString(StandardCharsets.UTF_8);
		}

	}

}
