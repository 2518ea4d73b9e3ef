package dev.managedprocesses.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: scenarios 1 and 2 (spawn and wait; spawn and capture) for every library, each in
 * its own fork. {@code java -jar benchmarks/target/benchmarks.jar} runs the scenario
 * driver; this runs with
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main SpawnBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
public class SpawnBenchmark {

	private static final List<String> TRUE = List.of("/bin/true");

	private static final List<String> SEQ = List.of("seq", "1", "20000");

	@Param({ "managed-processes", "raw", "zt-exec", "commons-exec", "nuprocess" })
	public String library;

	private Library runner;

	@Setup(Level.Trial)
	public void setUp() {
		this.runner = switch (this.library) {
			case "managed-processes" -> new ManagedProcesses();
			case "raw" -> new RawProcessBuilder();
			case "zt-exec" -> new ZtExec();
			case "commons-exec" -> new CommonsExec();
			case "nuprocess" -> new NuProcessLibrary();
			default -> throw new IllegalArgumentException(this.library);
		};
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.runner.close();
	}

	@Benchmark
	public int spawnAndWait() throws Exception {
		return this.runner.run(TRUE);
	}

	@Benchmark
	public int spawnAndCapture() throws Exception {
		return this.runner.capture(SEQ).length();
	}

}
