package dev.managedprocesses.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The JDK's own pipes read with a blocking read on another platform thread (from a cached
 * pool), as a library that must not block the caller does it: the thread switch the
 * engine avoids.
 */
final class RawReaderThread implements Library {

	private final ExecutorService readers = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "raw-reader");
		thread.setDaemon(true);
		return thread;
	});

	@Override
	public String name() {
		return "raw ProcessBuilder, reader thread";
	}

	@Override
	public int run(List<String> command) throws Exception {
		return new ProcessBuilder(command).start().waitFor();
	}

	@Override
	public String capture(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		Future<byte[]> out = this.readers.submit(() -> process.getInputStream().readAllBytes());
		process.waitFor();
		return new String(out.get(), StandardCharsets.UTF_8);
	}

	@Override
	public Running start(List<String> command) throws Exception {
		throw new UnsupportedOperationException();
	}

	@Override
	public void runWithTimeout(List<String> command, Duration timeout) throws Exception {
		throw new UnsupportedOperationException();
	}

	@Override
	public void close() {
		this.readers.shutdown();
	}

}
