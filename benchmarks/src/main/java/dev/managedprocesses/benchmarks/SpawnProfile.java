package dev.managedprocesses.benchmarks;

import java.util.List;

import dev.managedprocesses.ManagedProcessFactory;

/**
 * A loop to profile the spawn path under JFR (issue 13): {@code run()} of
 * {@code /bin/true} and of a captured {@code echo}, or raw {@link ProcessBuilder} for
 * comparison.
 * {@code java -XX:StartFlightRecording=filename=spawn.jfr,settings=profile -cp benchmarks.jar
 * dev.managedprocesses.benchmarks.SpawnProfile [managed|raw] [seconds]}, then
 * {@code jfr view hot-methods spawn.jfr}.
 */
public final class SpawnProfile {

	private SpawnProfile() {
	}

	public static void main(String[] args) throws Exception {
		boolean raw = args.length > 0 && args[0].equals("raw");
		long seconds = (args.length > 1) ? Long.parseLong(args[1]) : 20;
		long end = System.nanoTime() + seconds * 1_000_000_000L;
		long runs = 0;
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			long start = System.nanoTime();
			while (System.nanoTime() < end) {
				if (raw) {
					new ProcessBuilder("/bin/true").start().waitFor();
					Process echo = new ProcessBuilder("echo", "hello").start();
					echo.getInputStream().readAllBytes();
					echo.waitFor();
				}
				else {
					factory.command(List.of("/bin/true")).run();
					factory.command(List.of("echo", "hello")).run().stdout();
				}
				runs++;
			}
			System.out.printf("%s: %d pairs, %.1f pairs/s%n", raw ? "raw" : "managed", runs,
					runs / ((System.nanoTime() - start) / 1e9));
		}
	}

}
