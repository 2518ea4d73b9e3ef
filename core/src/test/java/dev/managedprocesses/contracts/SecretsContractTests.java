package dev.managedprocesses.contracts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessStartException;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, item 8: secrets stay out of exception messages. A
 * {@link ProcessStartException} names the executable and the cause; arguments appear only
 * sanitized and the message is bounded, even with 100,000 arguments. Public API only
 * ({@link ProcessStartException#command()} may still hold the full command for the
 * caller's own use; its message and {@code toString()} may not).
 */
class SecretsContractTests {

	/**
	 * Far below the 2 MB of today's message; generous for an executable, a cause and a
	 * sanitized excerpt.
	 */
	private static final int MESSAGE_LIMIT = 8 * 1024;

	private final String marker = TestProcesses.marker();

	private ManagedProcessFactory factory;

	@TempDir
	Path temp;

	@BeforeEach
	void setUp() {
		assumeTrue(TestProcesses.linux(), "executables and interpreters are POSIX here");
		this.factory = ManagedProcessFactory.builder().maxConcurrent(1).startWait(Duration.ofMillis(100)).build();
	}

	@AfterEach
	void cleanUp() {
		this.factory.close();
		TestProcesses.killAll(this.marker);
	}

	private List<String> secretArguments(String executable, int extra) {
		List<String> command = new ArrayList<>();
		command.add(executable);
		command.add("--password=hunter2");
		command.add("postgres://admin:s3cretpw@db.example.com:5432/app");
		command.add(this.marker);
		for (int i = 0; i < extra; i++) {
			command.add("--flag-" + i + "=value-" + i);
		}
		return command;
	}

	/** Issue 10 item 8: an executable that does not exist, with 100,000 arguments. */
	@Test
	void missingExecutable() {
		assertSanitized(
				() -> this.factory.command(secretArguments("/nonexistent/tool-" + this.marker, 100_000)).start(),
				"/nonexistent/tool-" + this.marker);
	}

	/** Issue 10 item 8: a working directory that does not exist. */
	@Test
	void missingDirectory() {
		assertSanitized(() -> this.factory.command(secretArguments("sleep", 100_000))
			.directory(this.temp.resolve("missing"))
			.start(), "sleep");
	}

	/**
	 * Issue 10 item 8: the operating system refuses (execve fails on a missing
	 * interpreter).
	 */
	@Test
	void operatingSystemRefuses() throws IOException {
		Path script = this.temp.resolve("missing-interpreter.sh");
		Files.writeString(script, "#!/nonexistent/interpreter-" + this.marker + "\n");
		assertThat(script.toFile().setExecutable(true)).isTrue();
		assertSanitized(() -> this.factory.command(secretArguments(script.toString(), 100_000)).start(),
				script.toString());
	}

	/** Issue 10 item 8: the concurrency limit stays reached. */
	@Test
	void concurrencyLimit() {
		ManagedProcess occupying = this.factory.command("sleep", this.marker).start();
		try {
			assertSanitized(() -> this.factory.command(secretArguments("sleep", 100_000)).start(), "sleep");
		}
		finally {
			occupying.kill().join();
		}
	}

	/** Issue 10 item 8: the factory is shut down. */
	@Test
	void shutDown() {
		this.factory.close();
		assertSanitized(() -> this.factory.command(secretArguments("sleep", 100_000)).start(), "sleep");
	}

	private void assertSanitized(Supplier<ManagedProcess> start, String executable) {
		ProcessStartException ex = catchThrowableOfType(ProcessStartException.class, start::get);
		assertThat(ex).as("a ProcessStartException").isNotNull();
		for (String text : new String[] { ex.getMessage(), ex.toString(), String.valueOf(ex.getLocalizedMessage()) }) {
			assertThat(text.length()).as("message length (was %d characters)", text.length()).isLessThan(MESSAGE_LIMIT);
			assertThat(text).doesNotContain("hunter2").doesNotContain("s3cretpw").contains(executable);
		}
	}

}
