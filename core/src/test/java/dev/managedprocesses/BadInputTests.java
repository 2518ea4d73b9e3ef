package dev.managedprocesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Bad input fails clearly, before anything starts, and leaves registry, listeners and
 * threads as they were.
 */
class BadInputTests {

	private final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

	private ManagedProcessFactory factory;

	private Set<String> threadsBefore;

	@BeforeEach
	void setUp() {
		this.factory = ManagedProcessFactory.builder().listener(new ProcessListener() {
			@Override
			public void started(ManagedProcess process) {
				BadInputTests.this.events.add("started");
			}

			@Override
			public void startFailed(List<String> command, Throwable failure) {
				BadInputTests.this.events.add("failed");
			}
		}).build();
		this.threadsBefore = threadNames();
	}

	@AfterEach
	void nothingChanged() {
		assertThat(this.factory.processes()).isEmpty();
		assertThat(this.factory.history()).isEmpty();
		assertThat(this.events).isEmpty();
		assertThat(threadNames()).isSubsetOf(this.threadsBefore);
		this.factory.close();
	}

	private static Set<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
	}

	@Test
	void emptyCommand() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.factory.command())
			.withMessage("command must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> this.factory.command(List.of()))
			.withMessage("command must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> this.factory.command(" "))
			.withMessageContaining("executable must not be blank");
	}

	@Test
	void nullArguments() {
		assertThatNullPointerException().isThrownBy(() -> this.factory.command((List<String>) null))
			.withMessage("command must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.factory.command(Arrays.asList("echo", null)))
			.withMessage("command argument 1 must not be null: [echo, null]");
		assertThatNullPointerException().isThrownBy(() -> this.factory.command("echo").environment("K", null))
			.withMessage("value of environment variable K must not be null");
	}

	@Test
	void missingExecutable() {
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command("no-such-program-xyz", "arg").start())
			.withMessageStartingWith(
					"Cannot start no-such-program-xyz (1 argument): executable 'no-such-program-xyz' not found on PATH")
			.satisfies((ex) -> assertThat(ex.command()).containsExactly("no-such-program-xyz", "arg"));
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command("/no/such/program").start())
			.withMessageContaining("executable /no/such/program does not exist");
	}

	@Test
	void directoryThatDoesNotExistOrIsNotOne(@TempDir Path dir) throws Exception {
		Path missing = dir.resolve("missing");
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command("true").directory(missing).start())
			.withMessageContaining("working directory " + missing + " does not exist");
		Path file = Files.createFile(dir.resolve("file"));
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command("true").directory(file).start())
			.withMessageContaining("working directory " + file + " is not a directory");
	}

	@Test
	void negativeOrZeroDurations() {
		ManagedProcessBuilder builder = this.factory.command("true");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.timeout(Duration.ofSeconds(-1)))
			.withMessage("timeout must be positive, was PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.timeout(Duration.ZERO))
			.withMessage("timeout must be positive, was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.gracePeriod(Duration.ofMillis(-5)))
			.withMessage("gracePeriod must be positive, was PT-0.005S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ManagedProcessFactory.builder().gracePeriod(Duration.ZERO))
			.withMessage("gracePeriod must be positive, was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ManagedProcessFactory.builder().defaultTimeout(Duration.ofSeconds(-2)))
			.withMessage("defaultTimeout must be positive, was PT-2S");
	}

	@Test
	void negativeCaptureLimit() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.factory.command("true").captureOutput(-1))
			.withMessage("capture limit must not be negative, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> ManagedProcessFactory.builder().captureLimit(-1))
			.withMessage("captureLimit must not be negative, was -1");
	}

	@Test
	void lineCallbackWithRedirectedOutput(@TempDir Path dir) {
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command("true").redirectOutput(dir.resolve("x")).onOutputLine((l) -> {
			}).start())
			.withMessageContaining("need standard output piped");
	}

}
