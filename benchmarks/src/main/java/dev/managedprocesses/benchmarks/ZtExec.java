package dev.managedprocesses.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.StartedProcess;

/**
 * zt-exec's {@link ProcessExecutor}.
 */
final class ZtExec implements Library {

	@Override
	public String name() {
		return "zt-exec";
	}

	@Override
	public int run(List<String> command) throws Exception {
		return new ProcessExecutor().command(command).execute().getExitValue();
	}

	@Override
	public String capture(List<String> command) throws Exception {
		return new ProcessExecutor().command(command).readOutput(true).execute().outputUTF8();
	}

	@Override
	public Running start(List<String> command) throws Exception {
		StartedProcess started = new ProcessExecutor().command(command).readOutput(true).start();
		// zt-exec stops a process by cancelling its future, which destroys the process it
		// started
		return Running.of(started.getProcess().pid(), () -> started.getFuture().cancel(true),
				() -> started.getProcess().waitFor());
	}

	@Override
	public void runWithTimeout(List<String> command, Duration timeout) throws Exception {
		try {
			new ProcessExecutor().command(command).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).execute();
		}
		catch (TimeoutException ex) {
			// expected: zt-exec destroyed the process it started
		}
	}

}
