package dev.managedprocesses.benchmarks;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Runs the benchmark scenarios and prints one markdown table per scenario, with the JVM,
 * the CPU count and the library versions.
 * {@code java -jar benchmarks.jar [--smoke] [1 2 ... 13]} (all scenarios by default).
 * Exits with 1 when a goal is not met.
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		boolean smoke = List.of(args).contains("--smoke");
		List<Integer> chosen = new ArrayList<>();
		for (String arg : args) {
			if (arg.matches("\\d+")) {
				chosen.add(Integer.parseInt(arg));
			}
		}
		System.out.println(environment());
		List<Table> tables = run(smoke ? Scenarios.Size.smoke() : Scenarios.Size.full(), chosen);
		long failed = tables.stream()
			.flatMap((table) -> table.goals().stream())
			.filter((goal) -> goal.startsWith("FAIL"))
			.count();
		System.out.println(failed == 0 ? "All goals met." : failed + " goal(s) not met.");
		System.exit(failed == 0 ? 0 : 1);
	}

	/**
	 * Runs the chosen scenarios (all when none is chosen), printing each table as it
	 * completes.
	 */
	static List<Table> run(Scenarios.Size size, List<Integer> chosen) throws Exception {
		Scenarios scenarios = new Scenarios(size);
		List<Table> tables = new ArrayList<>();
		for (int number = 1; number <= 13; number++) {
			if (!chosen.isEmpty() && !chosen.contains(number)) {
				continue;
			}
			long start = System.nanoTime();
			Table table = switch (number) {
				case 1 -> scenarios.spawn();
				case 2 -> scenarios.capture();
				case 3 -> scenarios.concurrent();
				case 4 -> scenarios.treeKill();
				case 5 -> scenarios.timeout();
				case 6 -> scenarios.reapLatency();
				case 7 -> scenarios.shutdown();
				case 8 -> scenarios.endpoint();
				case 9 -> scenarios.soak();
				case 10 -> scenarios.engineCapture();
				case 11 -> scenarios.stopOneByOne();
				case 12 -> scenarios.http();
				default -> scenarios.binding();
			};
			tables.add(table);
			System.out.println(table.markdown());
			System.out.printf("(scenario %d took %.1f s)%n%n", number, (System.nanoTime() - start) / 1e9);
		}
		return tables;
	}

	static String environment() throws Exception {
		Properties versions = new Properties();
		try (InputStream in = BenchmarkMain.class.getResourceAsStream("/benchmark-versions.properties")) {
			versions.load(in);
		}
		return "JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", "
				+ Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
				+ System.getProperty("os.version") + "; managed-processes " + versions.getProperty("managed-processes")
				+ ", zt-exec " + versions.getProperty("zt-exec") + ", commons-exec "
				+ versions.getProperty("commons-exec") + ", nuprocess " + versions.getProperty("nuprocess") + "\n";
	}

}
