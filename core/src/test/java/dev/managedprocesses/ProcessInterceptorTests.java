package dev.managedprocesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Interceptors see each start on the calling thread before the spawn, can pass variables
 * to the child, and hear the pid, the result or the start failure exactly once.
 */
class ProcessInterceptorTests {

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final List<ManagedProcessFactory> factories = new ArrayList<>();

	@TempDir
	Path directory;

	@AfterEach
	void tearDown() {
		this.factories.forEach(ManagedProcessFactory::close);
	}

	private ManagedProcessFactory factory(ProcessInterceptor... interceptors) {
		ManagedProcessFactory.Builder builder = ManagedProcessFactory.builder();
		for (ProcessInterceptor interceptor : interceptors) {
			builder.interceptor(interceptor);
		}
		ManagedProcessFactory factory = builder.build();
		this.factories.add(factory);
		return factory;
	}

	/** Records every event with the thread it came on. */
	private ProcessInterceptor recording(String variable, String value) {
		return (process) -> {
			this.events.add("before " + process.name() + " " + process.command() + " "
					+ process.directory().map(Path::toString).orElse("-") + " on " + Thread.currentThread().getName());
			process.environment(variable, value);
			return new ProcessInterceptor.Interception() {

				@Override
				public void started(long pid) {
					ProcessInterceptorTests.this.events
						.add("started " + pid + " on " + Thread.currentThread().getName());
				}

				@Override
				public void startFailed(ProcessStartException failure) {
					ProcessInterceptorTests.this.events.add("startFailed on " + Thread.currentThread().getName());
				}

				@Override
				public void finished(ProcessResult result) {
					ProcessInterceptorTests.this.events.add("finished " + result.pid() + " " + result.exitCode());
				}

			};
		};
	}

	@Test
	void seesTheStartOnTheCallingThreadAndPassesVariablesToTheChild() throws Exception {
		ManagedProcessFactory factory = factory(recording("INTERCEPTED", "yes"));
		ProcessResult result = factory.command("sh", "-c", "printf %s \"$INTERCEPTED\"; exit 3")
			.name("probe")
			.directory(this.directory)
			.run();
		String thread = Thread.currentThread().getName();
		assertThat(result.stdout()).isEqualTo("yes");
		assertThat(this.events).containsExactly(
				"before probe [sh, -c, printf %s \"$INTERCEPTED\"; exit 3] " + this.directory + " on " + thread,
				"started " + result.pid() + " on " + thread, "finished " + result.pid() + " 3");
	}

	@Test
	void hearsTheEndOfAStartedProcessBeforeItsFutureCompletes() {
		ManagedProcessFactory factory = factory(recording("INTERCEPTED", "yes"));
		ManagedProcess process = factory.command("sh", "-c", "exit 0").start();
		ProcessResult result = process.onExit().join();
		// the interception hears of the end before the process's futures complete
		assertThat(this.events).last().isEqualTo("finished " + result.pid() + " 0");
		assertThat(this.events).filteredOn((event) -> event.startsWith("finished")).hasSize(1);
	}

	@Test
	void hearsAStartFailureOnTheCallingThread() throws Exception {
		ManagedProcessFactory factory = factory(recording("INTERCEPTED", "yes"));
		// executable, so it passes the factory's checks, but execve fails on its missing
		// interpreter
		Path script = Files.writeString(this.directory.resolve("missing-interpreter.sh"),
				"#!/nonexistent/interpreter-" + TestProcesses.marker() + "\n");
		assertThat(script.toFile().setExecutable(true)).isTrue();
		assertThatThrownBy(() -> factory.command(script.toString()).run()).isInstanceOf(ProcessStartException.class);
		assertThat(this.events).hasSize(2).last().isEqualTo("startFailed on " + Thread.currentThread().getName());
	}

	@Test
	void badInputNeverReachesAnInterceptor() {
		ManagedProcessFactory factory = factory(recording("INTERCEPTED", "yes"));
		assertThatThrownBy(() -> factory.command("sh").directory(this.directory.resolve("missing")).run())
			.isInstanceOf(ProcessStartException.class);
		assertThat(this.events).isEmpty();
	}

	@Test
	void aVariableSetOnTheBuilderWinsButAnInheritedOneIsReplaced() throws Exception {
		ManagedProcessFactory factory = factory(recording("INTERCEPTED", "interceptor"),
				recording("HOME", "interceptor"));
		ProcessResult result = factory.command("sh", "-c", "printf '%s %s' \"$INTERCEPTED\" \"$HOME\"")
			.environment("INTERCEPTED", "user")
			.run();
		assertThat(result.stdout()).isEqualTo("user interceptor");
	}

	@Test
	void theTreeMarkerAndBadNamesAreRefusedAndAThrowingInterceptorIsSkipped() throws Exception {
		List<Class<?>> refusals = new CopyOnWriteArrayList<>();
		AtomicReference<ProcessInterceptor.StartingProcess> kept = new AtomicReference<>();
		ProcessInterceptor refused = (process) -> {
			kept.set(process);
			for (Map.Entry<String, String> bad : Map.of(ManagedProcessFactory.TREE_VARIABLE, "x", "A=B", "x", "", "x")
				.entrySet()) {
				try {
					process.environment(bad.getKey(), bad.getValue());
				}
				catch (IllegalArgumentException ex) {
					refusals.add(ex.getClass());
				}
			}
			throw new IllegalStateException("faulty interceptor");
		};
		ManagedProcessFactory factory = factory(refused, recording("INTERCEPTED", "yes"));
		ProcessResult result = factory.command("sh", "-c", "printf %s \"$INTERCEPTED\"").run();
		assertThat(result.stdout()).isEqualTo("yes");
		assertThat(refusals).hasSize(3);
		assertThat(this.events).hasSize(3);
		assertThatThrownBy(() -> kept.get().environment("LATE", "x")).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aTimedOutProcessIsReportedOnce() {
		ManagedProcessFactory factory = factory(recording("INTERCEPTED", "yes"));
		ManagedProcess process = factory.command("sleep", "30").timeout(Duration.ofMillis(200)).start();
		ProcessResult result = process.onExit().join();
		assertThat(result.outcome()).isEqualTo(ProcessOutcome.TIMED_OUT);
		await().untilAsserted(() -> assertThat(this.events).filteredOn((event) -> event.startsWith("finished"))
			.containsExactly("finished " + result.pid() + " " + result.exitCode()));
	}

	@Test
	void withoutInterceptorsNothingIsKept() throws Exception {
		ManagedProcessFactory factory = factory();
		assertThat(factory.command("true").run().isSuccess()).isTrue();
		assertThat(factory.interceptors().beforeStart(null, Map.of())).isSameAs(ProcessInterceptors.Interceptions.NONE);
	}

}
