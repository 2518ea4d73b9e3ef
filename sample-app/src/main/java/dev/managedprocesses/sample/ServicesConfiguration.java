package dev.managedprocesses.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import dev.managedprocesses.sample.worker.HttpWorker;
import dev.managedprocesses.service.Probe;
import dev.managedprocesses.service.RestartPolicy;
import dev.managedprocesses.service.ServiceDefinition;
import dev.managedprocesses.service.ServiceOutput;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sample's supervised services defined in code: the {@link HttpWorker} started with
 * the application's own {@code java} and an HTTP readiness probe, and a one-shot report
 * job that depends on it. A third, deliberately crashing service is declared in
 * {@code application.properties}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "sample.services.enabled", matchIfMissing = true)
class ServicesConfiguration {

	@Bean
	WorkerLocation workerLocation() throws IOException {
		return new WorkerLocation(copyWorkerClass(), freePort());
	}

	@Bean
	ServiceDefinition workerService(WorkerLocation worker) {
		return ServiceDefinition.builder("worker")
			.command(java(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", worker.classpath().toString(),
					HttpWorker.class.getName(), "serve", Integer.toString(worker.port()))
			.readiness(Probe.http(worker.url("/health")))
			.readinessInterval(Duration.ofMillis(250))
			.readinessTimeout(Duration.ofSeconds(60))
			.liveness(Probe.http(worker.url("/health")))
			.livenessInterval(Duration.ofSeconds(5))
			.output(ServiceOutput.CAPTURE)
			.gracePeriod(Duration.ofSeconds(2))
			.build();
	}

	@Bean
	ServiceDefinition reportService(WorkerLocation worker) {
		return ServiceDefinition.builder("report")
			.command(java(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", worker.classpath().toString(),
					HttpWorker.class.getName(), "fetch", worker.url("/work?n=200000"))
			.dependsOn("worker")
			.restart(RestartPolicy.NEVER)
			.output(ServiceOutput.CAPTURE)
			.build();
	}

	/** The java of this JVM, so that a machine with only a JDK or JRE runs the worker. */
	static String java() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	/**
	 * Copies the worker's single class file out of the application (a directory, a jar or
	 * a fat jar).
	 */
	private static Path copyWorkerClass() throws IOException {
		Path root = Files.createTempDirectory("sample-worker");
		root.toFile().deleteOnExit();
		String resource = HttpWorker.class.getName().replace('.', '/') + ".class";
		Path target = root.resolve(resource);
		Files.createDirectories(target.getParent());
		try (InputStream in = HttpWorker.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new UncheckedIOException(new IOException("cannot find " + resource));
			}
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
		}
		return root;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Where the worker's class file is and which port it serves.
	 *
	 * @param classpath the directory holding the class file
	 * @param port the port
	 */
	record WorkerLocation(Path classpath, int port) {

		String url(String path) {
			return "http://127.0.0.1:" + this.port + path;
		}

	}

}
