package dev.managedprocesses.reaper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.os.LinuxOperatingSystem;
import dev.managedprocesses.os.OperatingSystem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reaper with real orphans, in JVMs of their own: as a child subreaper (no root
 * needed) and as PID 1 of a new PID namespace ({@code unshare --pid --fork --mount-proc},
 * root only). Each scenario runs in a fresh JVM because a subreaper or PID 1 adopts every
 * orphan below it, which would disturb the other tests.
 */
class ReaperTests {

	private static final int ORPHANS = 1000;

	@Test
	void withoutReaperOrphansStayZombiesOfSubreaper() throws Exception {
		Map<String, String> result = run(false, "orphans", String.valueOf(ORPHANS), "off");
		assertThat(result).containsEntry("orphaned", String.valueOf(ORPHANS))
			.containsEntry("zombies", String.valueOf(ORPHANS))
			.containsEntry("reaped", "0");
	}

	@Test
	void reaperReapsThousandOrphansOfSubreaperWithinThreeSeconds() throws Exception {
		Map<String, String> result = run(false, "orphans", String.valueOf(ORPHANS), "on");
		assertThat(result).containsEntry("orphaned", String.valueOf(ORPHANS))
			.containsEntry("zombies", "0")
			.containsEntry("reaped", String.valueOf(ORPHANS));
		assertThat(Long.parseLong(result.get("tookMs"))).isLessThan(3000);
		// the command seen while alive (the helper shell, or sleep after its exec) or the
		// zombie's kernel name
		assertThat(result.get("command")).isNotEqualTo("none").matches("(sh|sleep).*");
	}

	@Test
	void withoutReaperOrphansStayZombiesOfPidOne() throws Exception {
		assumeNamespaces();
		Map<String, String> result = run(true, "orphans", String.valueOf(ORPHANS), "off");
		assertThat(result).containsEntry("orphaned", String.valueOf(ORPHANS))
			.containsEntry("zombies", String.valueOf(ORPHANS))
			.containsEntry("reaped", "0");
	}

	@Test
	void reaperReapsThousandOrphansOfPidOneWithinThreeSeconds() throws Exception {
		assumeNamespaces();
		Map<String, String> result = run(true, "orphans", String.valueOf(ORPHANS), "on");
		assertThat(result).containsEntry("orphaned", String.valueOf(ORPHANS))
			.containsEntry("zombies", "0")
			.containsEntry("reaped", String.valueOf(ORPHANS));
		assertThat(Long.parseLong(result.get("tookMs"))).isLessThan(3000);
	}

	@Test
	void grandchildSeenAliveUnderItsParentIsReapedAtOnceWhenOrphaned() throws Exception {
		Map<String, String> result = run(false, "watched");
		assertThat(result).containsEntry("reaped", "1").containsEntry("command", "cat").containsEntry("zombies", "0");
		// far below the 5 s minimum age that applies to zombies the reaper never saw
		// alive
		assertThat(Long.parseLong(result.get("afterExitMs"))).isLessThan(2500);
	}

	@Test
	void jdkOnExitOfAnOrphanedGrandchildCompletesAsSubreaper() throws Exception {
		assertJdkOnExitCompletes(run(false, "jdkpoll"));
	}

	@Test
	void jdkOnExitOfAnOrphanedGrandchildCompletesAsPidOne() throws Exception {
		assumeNamespaces();
		assertJdkOnExitCompletes(run(true, "jdkpoll"));
	}

	private static void assertJdkOnExitCompletes(Map<String, String> result) {
		// the JDK's thread polled a non-child (the case that made reaper and JDK wait for
		// each other)
		assertThat(result).containsEntry("polling", "true")
			.containsEntry("parentExit", "0")
			.containsEntry("onExitCompleted", "true")
			.containsEntry("reaped", "1")
			.containsEntry("exitValue", "5")
			.containsEntry("zombies", "0");
	}

	@Test
	void neverStealsExitCodesOfPlainProcessesAsSubreaper() throws Exception {
		assertExitCodesKept(run(false, "exitcodes", "4000", "plain"), 4000);
	}

	@Test
	void neverStealsExitCodesOfPlainProcessesAsPidOne() throws Exception {
		assumeNamespaces();
		assertExitCodesKept(run(true, "exitcodes", "4000", "plain"), 4000);
	}

	@Test
	void neverStealsExitCodesOfManagedProcessesAsSubreaper() throws Exception {
		assertExitCodesKept(run(false, "exitcodes", "1500", "factory"), 1500);
	}

	@Test
	void neverStealsExitCodesOfManagedProcessesAsPidOne() throws Exception {
		assumeNamespaces();
		assertExitCodesKept(run(true, "exitcodes", "1500", "factory"), 1500);
	}

	private static void assertExitCodesKept(Map<String, String> result, int total) {
		assertThat(result).containsEntry("wrong", "0")
			.containsEntry("total", String.valueOf(total))
			.containsEntry("zombies", "0")
			.containsEntry("alive", "0");
		// a third of the children left an orphan behind, and every one of them was reaped
		assertThat(Long.parseLong(result.get("reaped"))).isGreaterThanOrEqualTo((total + 2) / 3);
	}

	private static void assumeNamespaces() {
		assumeTrue(isRoot(), "needs root: the JVM becomes PID 1 through unshare --pid --fork --mount-proc");
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare (util-linux)");
	}

	private static boolean isRoot() {
		try {
			return Files.readAllLines(Path.of("/proc/self/status"))
				.stream()
				.anyMatch((line) -> line.startsWith("Uid:") && line.split("\\s+")[1].equals("0"));
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** Runs the scenario in a new JVM and parses its RESULT line. */
	static Map<String, String> run(boolean asPidOne, String... args) throws Exception {
		assumeTrue(OperatingSystem.current() instanceof LinuxOperatingSystem && OperatingSystem.current().canReap(),
				"the reaper needs Linux with /proc and JNA");
		List<String> command = new ArrayList<>();
		if (asPidOne) {
			command.addAll(List.of("unshare", "--pid", "--fork", "--mount-proc"));
		}
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ReaperScenario.class.getName());
		command.addAll(List.of(args));
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
			if (!process.waitFor(180, TimeUnit.SECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
		}
		String resultLine = output.stream()
			.filter((line) -> line.startsWith("RESULT "))
			.findFirst()
			.orElseThrow(() -> new AssertionError(
					"no RESULT from scenario " + List.of(args) + ":\n" + String.join("\n", output)));
		Map<String, String> result = new HashMap<>();
		for (String pair : resultLine.substring("RESULT ".length()).split(" ")) {
			int eq = pair.indexOf('=');
			result.put(pair.substring(0, eq), pair.substring(eq + 1));
		}
		System.out.println(String.join(" ", args) + (asPidOne ? " as pid 1: " : " as subreaper: ") + resultLine);
		return result;
	}

}
