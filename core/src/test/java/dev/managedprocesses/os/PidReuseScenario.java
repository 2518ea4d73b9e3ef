package dev.managedprocesses.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs as PID 1 of a new PID namespace (started by {@link PidReuseTests}): pins a child,
 * lets it exit and be reaped, forces the kernel to give its pid to a new child
 * ({@code /proc/sys/kernel/ns_last_pid}, root only), and signals through the old pin.
 * Prints one line {@code RESULT key=value ...}.
 */
public final class PidReuseScenario {

	private PidReuseScenario() {
	}

	public static void main(String[] args) throws Exception {
		OperatingSystem os = OperatingSystem.current();
		Process first = new ProcessBuilder("sleep", "60.1").start();
		ProcessId firstId = os.process(first.pid()).orElseThrow().id();
		PinnedProcess pin = os.pin(firstId).orElseThrow();
		first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		Process second = null;
		for (int attempt = 0; attempt < 20 && (second == null || second.pid() != first.pid()); attempt++) {
			if (second != null) {
				second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			}
			Files.writeString(Path.of("/proc/sys/kernel/ns_last_pid"), String.valueOf(first.pid() - 1));
			second = new ProcessBuilder("sleep", "60.2").start();
		}
		boolean reused = second.pid() == first.pid();
		// wait until the new process runs its own program: then its start time is final
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!os.process(second.pid()).map((info) -> info.command().contains("60.2")).orElse(false)
				&& System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		boolean signalled = pin.signal(Signal.KILL);
		boolean signalledByIdentity = os.signal(firstId, Signal.KILL);
		boolean survived = !second.waitFor(500, TimeUnit.MILLISECONDS);
		pin.close();
		second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		System.out.println("RESULT reused=" + reused + " pidfd=" + pin.toString().startsWith("pidfd") + " signalled="
				+ signalled + " signalledByIdentity=" + signalledByIdentity + " survived=" + survived);
		System.out.flush();
		System.exit(0);
	}

}
