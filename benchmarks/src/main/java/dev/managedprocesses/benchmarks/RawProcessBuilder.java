package dev.managedprocesses.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDK alone: {@link ProcessBuilder}, reading standard output in the calling thread.
 */
final class RawProcessBuilder implements Library {

	@Override
	public String name() {
		return "raw ProcessBuilder";
	}

	@Override
	public int run(List<String> command) throws Exception {
		return new ProcessBuilder(command).start().waitFor();
	}

	@Override
	public String capture(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor();
		return out;
	}

	@Override
	public Running start(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).start();
		return Running.of(process.pid(), process::destroy, process::waitFor);
	}

	@Override
	public void runWithTimeout(List<String> command, Duration timeout) throws Exception {
		Process process = new ProcessBuilder(command).start();
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroy();
			process.waitFor();
		}
	}

}
