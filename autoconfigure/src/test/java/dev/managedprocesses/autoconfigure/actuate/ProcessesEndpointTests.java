package dev.managedprocesses.autoconfigure.actuate;

import java.time.Instant;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.PortableOperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperMode;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link ProcessesEndpoint} answers: sanitizing, the portable platform, the order of
 * recent results, and the shared overview.
 */
class ProcessesEndpointTests {

	@Test
	void showValuesControlsMaskingAndSanitizingFunctionsStillApply() {
		List<String> command = List.of("tool", "--password=hunter2", "--user=alice", "input.txt");
		CommandSanitizer sanitizer = new CommandSanitizer(
				List.of(SanitizingFunction.sanitizeValue().ifLikelyCredential()));
		assertThat(sanitizer.sanitize(command, false)).containsExactly("tool", "******", "******", "******");
		assertThat(sanitizer.sanitize(command, true)).containsExactly("tool", "******", "--user=alice", "input.txt");
		assertThat(new CommandSanitizer(List.of()).sanitize(command, true)).isEqualTo(command);
	}

	@Test
	void rewrittenArgvZeroKeepsItsFirstTokenAndSanitizesTheRest() {
		CommandSanitizer sanitizer = new CommandSanitizer(
				List.of(SanitizingFunction.sanitizeValue().ifLikelyCredential()));
		List<String> command = List.of("mysql --password=x --user=alice", "300");
		assertThat(sanitizer.sanitize(command, false)).containsExactly("mysql ******", "******");
		assertThat(sanitizer.sanitize(command, true)).containsExactly("mysql ****** --user=alice", "300");
		assertThat(sanitizer.sanitize(List.of("/usr/bin/sleep", "1"), false)).containsExactly("/usr/bin/sleep",
				"******");
	}

	@Test
	void endpointWorksWithoutProcfsAndSaysZombiesAreUnknown() throws Exception {
		PortableOperatingSystem os = new PortableOperatingSystem();
		try (ManagedProcessFactory factory = ManagedProcessFactory.builder().operatingSystem(os).build();
				OrphanReaper reaper = OrphanReaper.builder(os).build()) {
			reaper.start();
			factory.command("sh", "-c", "exit 0").name("portable").run();
			ProcessesEndpoint endpoint = new ProcessesEndpoint(factory, reaper, List.of(), Show.ALWAYS);
			ProcessesDescriptor descriptor = endpoint.processes();
			assertThat(descriptor.zombieDetection()).isFalse();
			assertThat(descriptor.zombies()).isEmpty();
			assertThat(descriptor.limitations()).singleElement().asString().contains("need Linux");
			assertThat(descriptor.reaper().active()).isFalse();
			assertThat(descriptor.reaper().reason()).contains("need Linux");
			assertThat(descriptor.recent()).extracting(ProcessesDescriptor.Finished::name).containsExactly("portable");
			assertThat(new ProcessesHealthIndicator(factory, reaper, 0).health(true).getDetails())
				.containsKey("zombieDetection");
		}
	}

	@Test
	void recentIsNewestFirstByTime() throws Exception {
		OperatingSystem os = OperatingSystem.current();
		try (ManagedProcessFactory factory = ManagedProcessFactory.builder().operatingSystem(os).build();
				OrphanReaper reaper = OrphanReaper.builder(os).mode(ReaperMode.NEVER).subreaper(false).build()) {
			for (int i = 0; i < 30; i++) {
				factory.command("true").name("run-" + i).run();
			}
			ProcessesEndpoint endpoint = new ProcessesEndpoint(factory, reaper, List.of(), Show.NEVER);
			List<Instant> ended = endpoint.processes()
				.recent()
				.stream()
				.map((f) -> Instant.parse(f.endedAt()))
				.toList();
			assertThat(ended).hasSize(30).isSortedAccordingTo((a, b) -> b.compareTo(a));
			assertThat(endpoint.processes().recent().get(0).name()).isEqualTo("run-29");
		}
	}

	@Test
	void aStartedOrFinishedManagedProcessIsListedAtOnceDespiteTheSharedOverview() throws Exception {
		OperatingSystem os = OperatingSystem.current();
		String marker = TestProcesses.marker();
		try (ManagedProcessFactory factory = ManagedProcessFactory.builder().operatingSystem(os).build();
				OrphanReaper reaper = OrphanReaper.builder(os).mode(ReaperMode.NEVER).subreaper(false).build()) {
			ProcessesEndpoint endpoint = new ProcessesEndpoint(factory, reaper, List.of(), Show.NEVER);
			assertThat(endpoint.processes().live()).noneMatch(ProcessesDescriptor.LiveProcess::managed);
			ManagedProcess sleeper = factory.command("sleep", "300", marker).start();
			assertThat(endpoint.processes().live()).anyMatch((live) -> live.pid() == sleeper.pid());
			assertThat(endpoint.processes()).isSameAs(endpoint.processes());
			sleeper.kill().join();
			assertThat(endpoint.processes().live()).noneMatch((live) -> live.pid() == sleeper.pid());
			assertThat(endpoint.processes().recent()).anyMatch((finished) -> finished.pid() == sleeper.pid());
		}
		finally {
			TestProcesses.killAll(marker);
		}
	}

	@Test
	void theWebAnswerIsSerializedOncePerOverviewAndStillListsAStartedProcessAtOnce() throws Exception {
		OperatingSystem os = OperatingSystem.current();
		String marker = TestProcesses.marker();
		JsonMapper mapper = JsonMapper.builder().build();
		try (ManagedProcessFactory factory = ManagedProcessFactory.builder().operatingSystem(os).build();
				OrphanReaper reaper = OrphanReaper.builder(os).mode(ReaperMode.NEVER).subreaper(false).build()) {
			factory.command("true").name("finished").run();
			ProcessesEndpoint endpoint = new ProcessesEndpoint(factory, reaper, List.of(), Show.NEVER, null,
					mapper::writeValueAsBytes);
			// two callers of the same overview: the same document, serialized once
			Object first = endpoint.describeForWeb(false);
			assertThat(endpoint.describeForWeb(false)).isSameAs(first);
			assertThat(first).isInstanceOf(byte[].class);
			String json = webJson(endpoint);
			// the bytes the descriptor would have been written as
			assertThat(json).isEqualTo(mapper.writeValueAsString(endpoint.describe(false)));
			assertThat(JsonPath.<List<String>>read(json, "$.recent[*].name")).containsExactly("finished");
			ManagedProcess sleeper = factory.command("sleep", "300", marker).start();
			String started = webJson(endpoint);
			assertThat(JsonPath.<List<Boolean>>read(started, "$.live[?(@.pid == " + sleeper.pid() + ")].managed"))
				.containsExactly(true);
			sleeper.kill().join();
			String finished = webJson(endpoint);
			assertThat(JsonPath.<List<Object>>read(finished, "$.live[?(@.pid == " + sleeper.pid() + ")]")).isEmpty();
			assertThat(JsonPath.<List<String>>read(finished, "$.recent[*].outcome")).containsExactly("STOPPED",
					"EXITED");
		}
		finally {
			TestProcesses.killAll(marker);
		}
	}

	private static String webJson(ProcessesEndpoint endpoint) {
		return new String((byte[]) endpoint.describeForWeb(false), java.nio.charset.StandardCharsets.UTF_8);
	}

}
