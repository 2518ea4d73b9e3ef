package dev.managedprocesses.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;

/**
 * NuProcess: non-blocking I/O on a few shared threads.
 */
final class NuProcessLibrary implements Library {

	private static final int WAIT_LIMIT_SECONDS = 20;

	@Override
	public String name() {
		return "nuprocess";
	}

	@Override
	public int run(List<String> command) throws Exception {
		NuProcessBuilder builder = new NuProcessBuilder(command);
		builder.setProcessListener(new NuAbstractProcessHandler() {
		});
		return waitFor(builder.start());
	}

	@Override
	public String capture(List<String> command) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		NuProcessBuilder builder = new NuProcessBuilder(command);
		builder.setProcessListener(new NuAbstractProcessHandler() {
			@Override
			public void onStdout(ByteBuffer buffer, boolean closed) {
				byte[] bytes = new byte[buffer.remaining()];
				buffer.get(bytes);
				synchronized (out) {
					out.write(bytes, 0, bytes.length);
				}
			}
		});
		waitFor(builder.start());
		synchronized (out) {
			return out.toString(StandardCharsets.UTF_8);
		}
	}

	/** Bounded: NuProcess was seen to lose a process's exit and wait forever. */
	private static int waitFor(NuProcess process) throws InterruptedException {
		int exit = process.waitFor(WAIT_LIMIT_SECONDS, TimeUnit.SECONDS);
		if (exit == Integer.MIN_VALUE) {
			process.destroy(true);
			throw new IllegalStateException("nuprocess did not report the exit of pid " + process.getPID() + " within "
					+ WAIT_LIMIT_SECONDS + " s");
		}
		return exit;
	}

	@Override
	public Running start(List<String> command) throws Exception {
		NuProcessBuilder builder = new NuProcessBuilder(command);
		builder.setProcessListener(new NuAbstractProcessHandler() {
		});
		NuProcess process = builder.start();
		return Running.of(process.getPID(), () -> process.destroy(false), () -> process.waitFor(0, TimeUnit.SECONDS));
	}

	@Override
	public void runWithTimeout(List<String> command, Duration timeout) throws Exception {
		NuProcessBuilder builder = new NuProcessBuilder(command);
		builder.setProcessListener(new NuAbstractProcessHandler() {
		});
		NuProcess process = builder.start();
		if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) == Integer.MIN_VALUE) {
			process.destroy(false);
			process.waitFor(0, TimeUnit.SECONDS);
		}
	}

}
