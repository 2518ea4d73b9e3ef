package dev.managedprocesses.benchmarks;

import dev.managedprocesses.TestProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcessFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * 12. The actuator over real HTTP with JSON, as an orchestrator and a dashboard see it: a
 * Spring Boot app on a random port in this JVM, with many live trees and many finished
 * processes, and many clients asking at once, first {@code /actuator/processes}, then
 * {@code /actuator/health}, then, as the floor the starter cannot go below, a health
 * group with every indicator but the starter's ({@code processes}; this app declares no
 * services).
 */
final class HttpEndpointScenario {

	private HttpEndpointScenario() {
	}

	static Table run(Scenarios.Size size) throws Exception {
		int trees = size.endpointProcesses();
		int clients = size.httpClients();
		int perClient = size.httpRequestsPerClient();
		Table table = new Table(
				"12. Actuator over HTTP: " + clients + " concurrent clients, " + trees + " live trees and " + trees
						+ " finished processes (ms per request)",
				"endpoint", "requests", "requests/s", "p50", "p99", "max");
		String marker = TestProcesses.marker();
		SpringApplication application = new SpringApplication(App.class);
		application.setLogStartupInfo(false);
		application.setDefaultProperties(Map.of("server.port", "0", "spring.main.banner-mode", "off",
				"management.endpoints.web.exposure.include", "health,processes", "managed-processes.history-size",
				String.valueOf(trees), "managed-processes.max-concurrent", String.valueOf(trees + 10),
				"managed-processes.grace-period", "2s", "logging.level.root", "warn",
				// the floor: Spring's own health path, the same indicators but the
				// starter's
				"management.endpoint.health.group.without-starter.exclude", "processes"));
		try (ConfigurableApplicationContext context = application.run()) {
			ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
			for (int i = 0; i < trees; i++) {
				factory.command("/bin/true").run();
			}
			for (int i = 0; i < trees; i++) {
				factory.command("sh", "-c", "sleep " + marker + " & wait").discardOutput().start();
			}
			Scenarios.waitUntil(() -> TestProcesses.alive(marker).size() >= 2 * trees, 120_000);
			String base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
			Load processesLoad = load(client, base + "/actuator/processes", clients, perClient, trees);
			Stats processes = processesLoad.stats();
			table.row("/actuator/processes", processes.count(), processesLoad.perSecond(), processes.median(),
					processes.p99(), processes.max());
			Load healthLoad = load(client, base + "/actuator/health", clients, perClient, -1);
			Stats health = healthLoad.stats();
			table.row("/actuator/health", health.count(), healthLoad.perSecond(), health.median(), health.p99(),
					health.max());
			Load floorLoad = load(client, base + "/actuator/health/without-starter", clients, perClient, -1);
			Stats floor = floorLoad.stats();
			table.row("/actuator/health, starter's indicators off", floor.count(), floorLoad.perSecond(),
					floor.median(), floor.p99(), floor.max());
			table.goal("/actuator/processes p99 under 100 ms (" + Table.format(processes.p99()) + " ms)",
					processes.p99() < 100);
			table.goal("/actuator/health p99 under 10 ms (" + Table.format(health.p99()) + " ms)", health.p99() < 10);
		}
		finally {
			TestProcesses.killAll(marker);
		}
		return table;
	}

	/** Latencies and the requests per second the clients got through together. */
	private record Load(Stats stats, double perSecond) {

	}

	/**
	 * Each client sends {@code perClient} requests, one after another, after two warm-up
	 * requests; every response must be 200 (and, for the processes document, list the
	 * live trees).
	 */
	private static Load load(HttpClient client, String url, int clients, int perClient, int expectedLive)
			throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build();
		for (int i = 0; i < 2; i++) {
			check(client.send(request, HttpResponse.BodyHandlers.ofString()), expectedLive);
		}
		List<Double> millis = Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		CountDownLatch go = new CountDownLatch(1);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				done.add(pool.submit(() -> {
					go.await();
					for (int i = 0; i < perClient; i++) {
						long start = System.nanoTime();
						HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
						millis.add(Scenarios.millis(start));
						check(response, expectedLive);
					}
					return null;
				}));
			}
			long start = System.nanoTime();
			go.countDown();
			for (Future<?> each : done) {
				each.get(10, TimeUnit.MINUTES);
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			return new Load(Stats.of(millis), clients * perClient / seconds);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static void check(HttpResponse<String> response, int expectedLive) {
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					response.uri() + " answered " + response.statusCode() + ": " + response.body());
		}
		if (expectedLive > 0 && !response.body().contains("\"live\"")) {
			throw new IllegalStateException(response.uri() + " has no live list: " + response.body().substring(0, 200));
		}
	}

	/** The app: auto-configuration only (web MVC, actuator, the starter). */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class App {

	}

}
