package dev.managedprocesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * One destination per output stream, the last call for a stream wins, and the JDK's
 * redirects (merge, inherit, append) do what they say, observed on real processes.
 */
class OutputDestinationTests {

	private static final String BOTH = "echo out; echo err >&2";

	private final ManagedProcessFactory factory = ManagedProcessFactory.create();

	@AfterEach
	void tearDown() {
		this.factory.close();
	}

	@Test
	void captureAfterFileWinsForStandardOutput(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("out.txt");
		ProcessResult result = this.factory.command("sh", "-c", BOTH).redirectOutput(file).captureOutput(1000).run();
		assertThat(result.stdout()).isEqualTo("out\n");
		assertThat(result.stderr()).isEqualTo("err\n");
		assertThat(file).doesNotExist();
	}

	@Test
	void fileAfterCaptureWinsForStandardOutputOnly(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("out.txt");
		ProcessResult result = this.factory.command("sh", "-c", BOTH).captureOutput(1000).redirectOutput(file).run();
		assertThat(result.stdout()).isEmpty();
		assertThat(result.stderr()).isEqualTo("err\n");
		assertThat(file).hasContent("out");
	}

	@Test
	void discardThenFileSendsOutputToTheFileAndStillDiscardsErrors(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("out.txt");
		ProcessResult result = this.factory.command("sh", "-c", BOTH).discardOutput().redirectOutput(file).run();
		assertThat(file).hasContent("out");
		assertThat(result.stdout()).isEmpty();
		assertThat(result.stderr()).isEmpty();
	}

	@Test
	void mergeErrorIntoCapturedOutputInterleavesBothStreams() throws Exception {
		List<String> lines = new CopyOnWriteArrayList<>();
		ProcessResult result = this.factory.command("sh", "-c", "echo one; echo two >&2; echo three; echo four >&2")
			.mergeErrorIntoOutput()
			.onOutputLine(lines::add)
			.run();
		assertThat(result.stdout()).isEqualTo("one\ntwo\nthree\nfour\n");
		assertThat(result.stderr()).isEmpty();
		assertThat(lines).containsExactly("one", "two", "three", "four");
	}

	@Test
	void mergeErrorIntoOutputFileWritesBothToTheFile(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("all.txt");
		this.factory.command("sh", "-c", "echo one; echo two >&2").redirectOutput(file).mergeErrorIntoOutput().run();
		assertThat(Files.readAllLines(file)).containsExactly("one", "two");
	}

	@Test
	void errorDestinationSetAfterMergeReplacesTheMerge() throws Exception {
		ProcessResult result = this.factory.command("sh", "-c", BOTH)
			.mergeErrorIntoOutput()
			.redirectError(OutputDestination.capture(100))
			.run();
		assertThat(result.stdout()).isEqualTo("out\n");
		assertThat(result.stderr()).isEqualTo("err\n");
	}

	@Test
	void appendToKeepsWhatTheFileHeld(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("log.txt");
		Files.writeString(file, "before\n");
		this.factory.command("sh", "-c", "echo after").redirectOutput(OutputDestination.appendTo(file)).run();
		assertThat(Files.readAllLines(file)).containsExactly("before", "after");
	}

	@Test
	void inheritOutputWritesToThisJvmsOwnStreams() throws Exception {
		String marker = TestProcesses.marker();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ProcessResult result = this.factory
			.command(java, "-cp", System.getProperty("java.class.path"), InheritOutputMain.class.getName(), marker)
			.run();
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		// the grandchild wrote straight to its parent JVM's streams, which this test
		// captured
		assertThat(result.stdout()).contains("child-out-" + marker).contains("captured-stdout=[] exit=0");
		assertThat(result.stderr()).contains("child-err-" + marker);
	}

	@Test
	void lineCallbackOnMergedErrorFailsAtStart() {
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command("true").mergeErrorIntoOutput().onErrorLine((line) -> {
			}).start())
			.withMessageContaining("error line callbacks need standard error piped")
			.withMessageContaining("mergedIntoOutput");
		assertThat(this.factory.processes()).isEmpty();
	}

	@Test
	void lineCallbackOnInheritedOutputFailsAtStart() {
		assertThatExceptionOfType(ProcessStartException.class)
			.isThrownBy(() -> this.factory.command("true").inheritOutput().onOutputLine((line) -> {
			}).start())
			.withMessageContaining("need standard output piped")
			.withMessageContaining("inherit");
	}

	@Test
	void logOutputWithMergedErrorIsAllowed() throws Exception {
		ProcessResult result = this.factory.command("sh", "-c", BOTH).mergeErrorIntoOutput().logOutput().run();
		assertThat(result.stdout()).isEqualTo("out\nerr\n");
	}

	@Test
	void badDestinationsAreRefusedWhenMade() {
		assertThatIllegalArgumentException().isThrownBy(() -> OutputDestination.capture(-1))
			.withMessage("capture limit must not be negative, was -1");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> OutputDestination.file(null));
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> this.factory.command("true").redirectOutput((OutputDestination) null));
	}

}
