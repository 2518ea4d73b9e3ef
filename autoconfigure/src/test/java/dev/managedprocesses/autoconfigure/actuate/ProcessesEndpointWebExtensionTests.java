package dev.managedprocesses.autoconfigure.actuate;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ProcessesEndpointWebExtension}: {@code show-values=when-authorized}
 * with roles decides per caller, for the command line and for the output tail; unknown
 * pids are 404 and are never signalled.
 */
class ProcessesEndpointWebExtensionTests {

	private final String marker = "marker-" + UUID.randomUUID();

	private final OperatingSystem os = OperatingSystem.current();

	private ManagedProcessFactory factory;

	private OrphanReaper reaper;

	private ProcessesEndpointWebExtension extension;

	@BeforeEach
	void setUp() {
		this.factory = ManagedProcessFactory.builder().operatingSystem(this.os).build();
		this.reaper = OrphanReaper.builder(this.os).mode(ReaperMode.NEVER).subreaper(false).build();
		ProcessesEndpoint endpoint = new ProcessesEndpoint(this.factory, this.reaper, List.of(), Show.WHEN_AUTHORIZED);
		this.extension = new ProcessesEndpointWebExtension(endpoint, Show.WHEN_AUTHORIZED, Set.of("ops"));
	}

	@AfterEach
	void tearDown() {
		this.factory.close();
		this.reaper.close();
	}

	@Test
	void whenAuthorizedShowsValuesOnlyToUsersInTheRole() {
		ManagedProcess process = this.factory
			.command("sh", "-c", "echo token-" + this.marker + "; sleep 300; :", this.marker)
			.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> process.outputTail(4096).contains("token-"));
		ProcessesDescriptor.Detail anonymous = this.extension.process(SecurityContext.NONE, process.pid()).getBody();
		assertThat(anonymous.command()).containsExactly("sh", "******", "******", "******");
		assertThat(anonymous.outputTail()).isEqualTo("******");
		ProcessesDescriptor.Detail developer = this.extension.process(user("dev"), process.pid()).getBody();
		assertThat(developer.command()).doesNotContain(this.marker);
		assertThat(developer.outputTail()).doesNotContain("token-");
		ProcessesDescriptor.Detail operator = this.extension.process(user("ops"), process.pid()).getBody();
		assertThat(operator.command()).contains(this.marker);
		assertThat(operator.outputTail()).contains("token-" + this.marker);
		// built without a JSON writer: the descriptor itself, for the web layer to
		// serialize
		assertThat(((ProcessesDescriptor) this.extension.processes(user("ops"))).live())
			.anySatisfy((live) -> assertThat(live.command()).contains(this.marker));
		assertThat(((ProcessesDescriptor) this.extension.processes(user("dev"))).live())
			.allSatisfy((live) -> assertThat(live.command()).doesNotContain(this.marker));
	}

	@Test
	void unknownPidsAreNotFoundAndNotSignalled() {
		long self = ProcessHandle.current().pid();
		assertThat(this.extension.process(user("ops"), self).getStatus())
			.isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		assertThat(this.extension.stop(self).getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		assertThat(ProcessHandle.current().isAlive()).isTrue();
	}

	private static SecurityContext user(String role) {
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return () -> "user-with-" + role;
			}

			@Override
			public boolean isUserInRole(String candidate) {
				return candidate.equals(role);
			}

		};
	}

}
