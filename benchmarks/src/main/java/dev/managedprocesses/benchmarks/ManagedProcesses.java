package dev.managedprocesses.benchmarks;

import java.time.Duration;
import java.util.List;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;

/**
 * The starter: {@link ManagedProcessFactory}, output captured (its default) unless told
 * otherwise.
 */
class ManagedProcesses implements Library {

	enum Output {

		CAPTURED, DISCARDED, FILE

	}

	private final ManagedProcessFactory factory;

	private final Output output;

	ManagedProcesses() {
		this(Output.CAPTURED);
	}

	ManagedProcesses(Output output) {
		this.factory = ManagedProcessFactory.builder().gracePeriod(Duration.ofSeconds(2)).maxConcurrent(4096).build();
		this.output = output;
	}

	ManagedProcessFactory factory() {
		return this.factory;
	}

	@Override
	public String name() {
		return (this.output == Output.CAPTURED) ? "managed-processes"
				: "managed-processes (" + this.output.name().toLowerCase() + ")";
	}

	@Override
	public int run(List<String> command) throws Exception {
		return this.factory.command(command).run().exitCode();
	}

	@Override
	public String capture(List<String> command) throws Exception {
		return this.factory.command(command).run().stdout();
	}

	/**
	 * The factory through {@code start()} and {@code await()} for capture: the factory's
	 * I/O loop reads.
	 */
	static ManagedProcesses viaStart() {
		return new ManagedProcesses() {
			@Override
			public String name() {
				return "managed-processes start()";
			}

			@Override
			public String capture(List<String> command) throws Exception {
				ManagedProcess process = factory().command(command).start();
				notePumpThread(process.pid());
				return process.await().stdout();
			}
		};
	}

	private static final java.util.concurrent.atomic.AtomicInteger pumpThreads = new java.util.concurrent.atomic.AtomicInteger();

	/**
	 * Counts per-process output threads of the portable pump seen while a process ran (0
	 * on the engine).
	 */
	static int pumpThreadsSeen() {
		return pumpThreads.get();
	}

	private static void notePumpThread(long pid) {
		if (Thread.getAllStackTraces()
			.keySet()
			.stream()
			.anyMatch((t) -> t.getName().equals("managed-process-output-" + pid))) {
			pumpThreads.incrementAndGet();
		}
	}

	@Override
	public Running start(List<String> command) throws Exception {
		var builder = this.factory.command(command);
		switch (this.output) {
			case DISCARDED -> builder.discardOutput();
			case FILE -> builder.redirectOutput(java.nio.file.Path.of("/dev/null"))
				.redirectError(java.nio.file.Path.of("/dev/null"));
			default -> {
			}
		}
		ManagedProcess process = builder.start();
		return Running.of(process.pid(), () -> process.stop().join(), process::await);
	}

	@Override
	public void runWithTimeout(List<String> command, Duration timeout) throws Exception {
		this.factory.command(command).timeout(timeout).run();
	}

	@Override
	public void close() {
		this.factory.close();
	}

}
