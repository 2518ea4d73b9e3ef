package dev.managedprocesses.os;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A pinned process whose pid is reused is never signalled: the pid is really reused, by
 * forcing the kernel's next pid in a PID namespace of its own.
 */
class PidReuseTests {

	@Test
	void reusedPidIsNotHitThroughTheOldPin() throws Exception {
		assumeTrue(OperatingSystem.current() instanceof LinuxOperatingSystem && OperatingSystem.current().canReap(),
				"needs Linux with /proc and JNA");
		assumeTrue(
				Files.readAllLines(Path.of("/proc/self/status"))
					.stream()
					.anyMatch((line) -> line.matches("Uid:\\s+0\\s.*")),
				"needs root: a PID namespace (unshare) and /proc/sys/kernel/ns_last_pid to force pid reuse");
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare (util-linux)");
		List<String> command = List.of("unshare", "--pid", "--fork", "--mount-proc",
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp",
				System.getProperty("java.class.path"), PidReuseScenario.class.getName());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> output = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				output.add(line);
			}
		}
		finally {
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
		}
		String result = output.stream()
			.filter((line) -> line.startsWith("RESULT "))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no RESULT:\n" + String.join("\n", output)));
		System.out.println(result);
		assertThat(result).contains("reused=true");
		assumeTrue(result.contains("pidfd=true"), "needs pidfd_open (Linux 5.3+)");
		// the pin and the identity check both refuse; the new process with the old pid
		// lives on
		assertThat(result).contains("signalled=false", "signalledByIdentity=false", "survived=true");
	}

}
