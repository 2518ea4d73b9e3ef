package dev.managedprocesses.contracts;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessResult;

/**
 * Run in a JVM with a small heap by {@link CompletionContractTests} (issue 10 item 2): a
 * child writes far more than the heap while {@code captureOutput(Integer.MAX_VALUE)}
 * keeps it all, so the output pump hits {@code OutOfMemoryError}; the child then keeps
 * running. If no result comes within 10 s (a design that keeps awaiting the child), the
 * process is stopped the normal way. Prints one line
 * {@code RESULT outcome=.. exitCode=.. failure=.. aliveAtResult=..}, then kills the child
 * by pid.
 */
public final class PumpFailureMain {

	private PumpFailureMain() {
	}

	public static void main(String[] args) throws Exception {
		String marker = args[0];
		ManagedProcessFactory factory = ManagedProcessFactory.builder().gracePeriod(Duration.ofSeconds(1)).build();
		ManagedProcess process = factory.command("sh", "-c", "head -c 400000000 /dev/zero; exec sleep $0", marker)
			.captureOutput(Integer.MAX_VALUE)
			.start();
		String line;
		try {
			ProcessResult result;
			try {
				result = process.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.TimeoutException ex) {
				// a design that keeps awaiting the child after the pump failed: end it
				// the normal way
				System.out.println("NOTE no result within 10 s; stopping the process");
				process.stop();
				result = process.onExit().get(30, TimeUnit.SECONDS);
			}
			boolean alive = ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false);
			line = "RESULT outcome=" + result.outcome() + " exitCode=" + result.exitCode() + " failure="
					+ result.failure().isPresent() + " aliveAtResult=" + alive + " cause="
					+ result.failure().map((ex) -> ex.getClass().getName()).orElse("none");
		}
		catch (java.util.concurrent.TimeoutException ex) {
			line = "RESULT none, even 30 s after stop(): the pump failure lost the result";
		}
		System.out.println(line);
		System.out.flush();
		// by pid; no close(): a factory whose result never completes would wait for it
		ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
		System.exit(0);
	}

}
