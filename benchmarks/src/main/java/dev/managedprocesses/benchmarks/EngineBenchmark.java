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
 * JMH: the event-driven engine, alone and as wired into the factory ({@code managed-run},
 * {@code managed-start}). Spawn and capture {@code seq 1 20000} with raw
 * {@link ProcessBuilder} (read in the caller; read on a reader thread) against the
 * engine's pipes owned through {@code /proc/self/fd}, waited for with {@code poll()} in
 * the caller or by the epoll thread.
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main EngineBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class EngineBenchmark {

	private static final List<String> SEQ = List.of("seq", "1", "20000");

	@Param({ "raw", "raw-reader-thread", "managed-run", "managed-start" })
	public String path;

	private Library runner;

	@Setup(Level.Trial)
	public void setUp() {
		this.runner = switch (this.path) {
			case "raw" -> new RawProcessBuilder();
			case "raw-reader-thread" -> new RawReaderThread();
			// the integrated path: the factory with its default capture, run() (poll in
			// the caller) and
			// start() + await() (the factory's I/O loop)
			case "managed-run" -> new ManagedProcesses();
			case "managed-start" -> ManagedProcesses.viaStart();
			default -> throw new IllegalArgumentException(this.path);
		};
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.runner.close();
	}

	@Benchmark
	public int spawnAndCapture() throws Exception {
		return this.runner.capture(SEQ).length();
	}

}
