package dev.managedprocesses.autoconfigure.actuate;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.PortableOperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProcessesEndpoint} used directly: without {@code /proc}, and the show-values rules.
 */
class ProcessesEndpointTests {

	private final String marker = "marker-" + UUID.randomUUID();

	private ManagedProcessFactory factory;

	private OrphanReaper reaper;

	@AfterEach
	void close() {
		if (this.factory != null) {
			this.factory.close();
		}
		if (this.reaper != null) {
			this.reaper.close();
		}
	}

	private ProcessesEndpoint endpoint(OperatingSystem os, Show show, List<SanitizingFunction> functions,
			String... roles) {
		this.factory = ManagedProcessFactory.builder().operatingSystem(os).build();
		this.reaper = OrphanReaper.builder(os).mode(ReaperMode.NEVER).subreaper(false).build();
		return new ProcessesEndpoint(this.factory, this.reaper, os, functions, show, Set.of(roles));
	}

	@Test
	@SuppressWarnings("unchecked")
	void withoutProcFsZombiesAreEmptyAndDetectionIsUnavailable() {
		ProcessesEndpoint endpoint = endpoint(new PortableOperatingSystem(), Show.NEVER, List.of());
		ManagedProcess process = this.factory.command("sh", "-c", "sleep 300; :", this.marker).start();
		Map<String, Object> document = endpoint.processes(SecurityContext.NONE);
		assertThat(document.get("zombies")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.isEmpty();
		Map<String, Object> detection = (Map<String, Object>) document.get("zombieDetection");
		assertThat(detection).containsEntry("available", false).containsKey("reason");
		List<Map<String, Object>> live = (List<Map<String, Object>>) document.get("live");
		assertThat(live).anySatisfy((entry) -> assertThat(entry).containsEntry("pid", process.pid())
			.containsEntry("managed", true));
	}

	@Test
	@SuppressWarnings("unchecked")
	void alwaysShowsArgumentsButSanitizingFunctionsStillApply() {
		SanitizingFunction passwords = (data) -> data.getKey().equals("password") ? data.withSanitizedValue() : data;
		ProcessesEndpoint endpoint = endpoint(OperatingSystem.current(), Show.ALWAYS, List.of(passwords));
		ManagedProcess process = this.factory
			.command("sh", "-c", "sleep 300; :", this.marker, "--password=hunter2", "--user=alice")
			.start();
		Map<String, Object> detail = endpoint.process(SecurityContext.NONE, process.pid());
		assertThat((List<String>) detail.get("command")).containsExactly("sh", "-c", "sleep 300; :", this.marker,
				SanitizableData.SANITIZED_VALUE, "--user=alice");
	}

	@Test
	@SuppressWarnings("unchecked")
	void whenAuthorizedShowsArgumentsOnlyToTheRole() {
		ProcessesEndpoint endpoint = endpoint(OperatingSystem.current(), Show.WHEN_AUTHORIZED, List.of(), "ops");
		ManagedProcess process = this.factory.command("sh", "-c", "sleep 300; :", this.marker).start();
		Map<String, Object> anonymous = endpoint.process(SecurityContext.NONE, process.pid());
		assertThat((List<String>) anonymous.get("command")).containsExactly("sh", "******", "******", "******");
		Map<String, Object> operator = endpoint.process(user("ops"), process.pid());
		assertThat((List<String>) operator.get("command")).contains(this.marker);
		Map<String, Object> other = endpoint.process(user("dev"), process.pid());
		assertThat((List<String>) other.get("command")).doesNotContain(this.marker);
	}

	@Test
	void unknownPidIsNull() {
		ProcessesEndpoint endpoint = endpoint(OperatingSystem.current(), Show.NEVER, List.of());
		assertThat(endpoint.process(SecurityContext.NONE, ProcessHandle.current().pid())).isNull();
		assertThat(endpoint.stop(ProcessHandle.current().pid()).getStatus()).isEqualTo(404);
	}

	private static SecurityContext user(String role) {
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return () -> "user";
			}

			@Override
			public boolean isUserInRole(String candidate) {
				return candidate.equals(role);
			}

		};
	}

}
