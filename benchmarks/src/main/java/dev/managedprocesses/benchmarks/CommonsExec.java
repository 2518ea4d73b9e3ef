package dev.managedprocesses.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Apache Commons Exec's {@link DefaultExecutor} with an {@link ExecuteWatchdog}.
 */
final class CommonsExec implements Library {

	@Override
	public String name() {
		return "commons-exec";
	}

	@Override
	public int run(List<String> command) throws Exception {
		DefaultExecutor executor = DefaultExecutor.builder().get();
		executor.setExitValues(null);
		return executor.execute(commandLine(command));
	}

	@Override
	public String capture(List<String> command) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		DefaultExecutor executor = DefaultExecutor.builder().get();
		executor.setStreamHandler(new PumpStreamHandler(out, ByteArrayOutputStream.nullOutputStream()));
		executor.setExitValues(null);
		executor.execute(commandLine(command));
		return out.toString(StandardCharsets.UTF_8);
	}

	@Override
	public Running start(List<String> command) throws Exception {
		ExecuteWatchdog watchdog = ExecuteWatchdog.builder()
			.setTimeout(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION)
			.get();
		DefaultExecutor executor = DefaultExecutor.builder().get();
		executor.setWatchdog(watchdog);
		executor.setStreamHandler(new PumpStreamHandler(ByteArrayOutputStream.nullOutputStream()));
		DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
		executor.execute(commandLine(command), result);
		return Running.of(-1, watchdog::destroyProcess, result::waitFor);
	}

	@Override
	public void runWithTimeout(List<String> command, Duration timeout) throws Exception {
		DefaultExecutor executor = DefaultExecutor.builder().get();
		executor.setWatchdog(ExecuteWatchdog.builder().setTimeout(timeout).get());
		try {
			executor.execute(commandLine(command));
		}
		catch (ExecuteException ex) {
			// expected: the watchdog destroyed the process it started
		}
	}

	private static CommandLine commandLine(List<String> command) {
		CommandLine line = new CommandLine(command.get(0));
		command.subList(1, command.size()).forEach((argument) -> line.addArgument(argument, false));
		return line;
	}

}
