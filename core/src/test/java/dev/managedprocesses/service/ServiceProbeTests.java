package dev.managedprocesses.service;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.managedprocesses.service.ServiceTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Readiness probes of every kind against real processes and servers: the service stays
 * STARTING until the probe passes, and a probe that never passes ends in FAILED with the
 * tree stopped.
 */
class ServiceProbeTests {

	@TempDir
	Path dir;

	@BeforeEach
	void linux() {
		assumeThat(TestProcesses.linux()).as("needs /proc and sh").isTrue();
	}

	@Test
	void execProbePassesWhenTheCommandExitsWithZero() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path flag = this.dir.resolve("ready");
			ManagedServices services = support.supervise(ServiceDefinition.builder("exec")
				.command(support.sh("sleep " + support.marker))
				.readiness(Probe.exec("test", "-f", flag.toString()))
				.readinessInterval(Duration.ofMillis(100))
				.build());
			services.startAll();
			ManagedService service = services.find("exec").orElseThrow();
			await().until(() -> service.readiness().orElseThrow().lastFailure().isPresent());
			assertThat(service.state()).isEqualTo(ServiceState.STARTING);
			assertThat(service.readiness().orElseThrow().lastFailureMessage().orElseThrow()).contains("exit code 1");
			Files.createFile(flag);
			services.awaitReady("exec", Duration.ofSeconds(30));
			assertThat(service.state()).isEqualTo(ServiceState.READY);
			assertThat(service.readySince()).isPresent();
			assertThat(service.readiness().orElseThrow().lastSuccess()).isPresent();
		}
	}

	@Test
	void httpProbePassesOnASuccessfulStatus() throws Exception {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		AtomicInteger status = new AtomicInteger(503);
		AtomicInteger requests = new AtomicInteger();
		server.createContext("/health", (exchange) -> {
			requests.incrementAndGet();
			exchange.sendResponseHeaders(status.get(), -1);
			exchange.close();
		});
		server.start();
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			ManagedServices services = support.supervise(ServiceDefinition.builder("http")
				.command(support.sh("sleep " + support.marker))
				.readiness(Probe.http("http://127.0.0.1:" + server.getAddress().getPort() + "/health"))
				.readinessInterval(Duration.ofMillis(100))
				.build());
			services.startAll();
			ManagedService service = services.find("http").orElseThrow();
			await().until(() -> requests.get() >= 2);
			assertThat(service.state()).isEqualTo(ServiceState.STARTING);
			assertThat(service.readiness().orElseThrow().lastFailureMessage()).contains("HTTP status 503");
			status.set(200);
			services.awaitReady("http", Duration.ofSeconds(30));
			assertThat(service.state()).isEqualTo(ServiceState.READY);
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void tcpProbePassesOnceThePortAccepts() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			port = probe.getLocalPort();
		}
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			ManagedServices services = support.supervise(ServiceDefinition.builder("tcp")
				.command(support.sh("sleep " + support.marker))
				.readiness(Probe.tcp("127.0.0.1:" + port))
				.readinessInterval(Duration.ofMillis(100))
				.build());
			services.startAll();
			ManagedService service = services.find("tcp").orElseThrow();
			await().until(() -> service.readiness().orElseThrow().lastFailure().isPresent());
			assertThat(service.state()).isEqualTo(ServiceState.STARTING);
			try (ServerSocket listening = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
				services.awaitReady("tcp", Duration.ofSeconds(30));
				assertThat(service.state()).isEqualTo(ServiceState.READY);
			}
		}
	}

	@Test
	void logLineProbePassesOnAMatchingLine() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			Path go = this.dir.resolve("go");
			ManagedServices services = support.supervise(ServiceDefinition.builder("logline")
				.command(support.sh("echo booting; while [ ! -f " + go + " ]; do sleep 0.05; done; "
						+ "echo 'Listening on port 8123' >&2; sleep " + support.marker))
				.readiness(Probe.logLine("Listening on port \\d+"))
				.output(ServiceOutput.CAPTURE)
				.build());
			services.startAll();
			ManagedService service = services.find("logline").orElseThrow();
			await().until(() -> service.outputTail().contains("booting"));
			assertThat(service.state()).isEqualTo(ServiceState.STARTING);
			Files.createFile(go);
			services.awaitReady("logline", Duration.ofSeconds(30));
			assertThat(service.outputTail()).containsExactly("booting", "Listening on port 8123");
		}
	}

	@Test
	void readinessTimeoutFailsTheServiceAndStopsItsTree() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			ManagedServices services = support.supervise(ServiceDefinition.builder("slow")
				.command(support.sh("echo still warming up; sleep " + support.marker))
				.readiness(Probe.exec("false"))
				.readinessInterval(Duration.ofMillis(100))
				.readinessTimeout(Duration.ofMillis(1500))
				.build());
			services.startAll();
			assertThatThrownBy(() -> services.awaitReady("slow", Duration.ofSeconds(30)))
				.isInstanceOf(ServiceFailedException.class)
				.hasMessageContaining("'slow' is FAILED")
				.hasMessageContaining("readiness.timeout")
				.hasMessageContaining("still warming up");
			await().until(() -> support.alive().isEmpty());
			await().until(() -> services.find("slow").orElseThrow().pid().isEmpty());
		}
	}

	@Test
	void futuresAndListenersNeverRunOnTheSupervisorsThreads() throws Exception {
		try (ServiceTestSupport support = new ServiceTestSupport()) {
			ManagedServices services = support.supervise(ServiceDefinition.builder("worker")
				.command(support.sh("sleep " + support.marker))
				.readiness(Probe.exec("true"))
				.build());
			List<String> listenerThreads = new CopyOnWriteArrayList<>();
			services.addListener(new ServiceListener() {
				@Override
				public void stateChanged(ManagedService service, ServiceState previous, ServiceState current) {
					listenerThreads.add(Thread.currentThread().getName());
				}

				@Override
				public void probed(ManagedService service, ProbeType type, Probe probe, Duration duration,
						boolean passed) {
					listenerThreads.add(Thread.currentThread().getName());
				}
			});
			CompletableFuture<String> thread = services.awaitReady("worker")
				.thenApply((service) -> Thread.currentThread().getName());
			services.startAll();
			assertThat(thread.get()).doesNotStartWith("managed-");
			await().until(() -> listenerThreads.size() >= 3);
			assertThat(listenerThreads).noneMatch((name) -> name.startsWith("managed-"));
		}
	}

}
