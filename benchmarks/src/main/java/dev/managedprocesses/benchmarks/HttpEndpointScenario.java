package dev.managedprocesses.benchmarks;

import dev.managedprocesses.TestProcesses;
import java.io.InputStream;
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
		Duration warmUp = size.httpWarmUp();
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
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
			Connector plain = plain(port);
			Load processes = load(plain, "/actuator/processes", clients, perClient, warmUp, true);
			row(table, "/actuator/processes", processes);
			Load health = load(plain, "/actuator/health", clients, perClient, warmUp, false);
			row(table, "/actuator/health", health);
			row(table, "/actuator/health, starter's indicators off",
					load(plain, "/actuator/health/without-starter", clients, perClient, warmUp, false));
			// as orchestrators poll: each client every 50 ms (far more often than a
			// probe), timed from its tick, alternating between the health endpoint and
			// the floor so that both see the same moments (run one after the other, the
			// first did worse either way round)
			List<Load> paced = pacedPair(plain, "/actuator/health", "/actuator/health/without-starter", clients,
					perClient, Duration.ofMillis(50));
			row(table, "/actuator/health, each client every 50 ms", paced.get(0));
			row(table, "/actuator/health, starter's indicators off, each client every 50 ms", paced.get(1));
			Connector jdk = jdk(port);
			row(table, "/actuator/processes, JDK HttpClient",
					load(jdk, "/actuator/processes", clients, perClient, warmUp, true));
			row(table, "/actuator/health, JDK HttpClient",
					load(jdk, "/actuator/health", clients, perClient, warmUp, false));
			table.goal("/actuator/processes p99 under 100 ms (" + Table.format(processes.stats().p99()) + " ms)",
					processes.stats().p99() < 100);
			table.goal("/actuator/health p99 under 10 ms (" + Table.format(health.stats().p99()) + " ms)",
					health.stats().p99() < 10);
		}
		finally {
			TestProcesses.killAll(marker);
		}
		return table;
	}

	private static void row(Table table, String endpoint, Load load) {
		Stats stats = load.stats();
		table.row(endpoint, stats.count(), load.perSecond(), stats.median(), stats.p99(), stats.max());
	}

	/** Latencies and the requests per second the clients got through together. */
	private record Load(Stats stats, double perSecond) {

	}

	/** One client's way to send the request and get status and body. */
	private interface Connection extends AutoCloseable {

		PlainHttpConnection.Response get() throws Exception;

	}

	/** How each client connects: a plain keep-alive connection or the JDK's client. */
	private interface Connector {

		Connection open(String path) throws Exception;

	}

	private static Connector plain(int port) {
		return (path) -> {
			PlainHttpConnection connection = new PlainHttpConnection(port, path);
			return new Connection() {

				@Override
				public PlainHttpConnection.Response get() throws Exception {
					return connection.get();
				}

				@Override
				public void close() throws Exception {
					connection.close();
				}

			};
		};
	}

	private static Connector jdk(int port) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		return (path) -> {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
				.timeout(Duration.ofSeconds(60))
				.GET()
				.build();
			byte[] buffer = new byte[16 * 1024];
			return new Connection() {

				@Override
				public PlainHttpConnection.Response get() throws Exception {
					HttpResponse<InputStream> response = client.send(request,
							HttpResponse.BodyHandlers.ofInputStream());
					PlainHttpConnection.Body body = new PlainHttpConnection.Body();
					try (InputStream in = response.body()) {
						for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
							body.add(buffer, read);
						}
					}
					return body.response(response.statusCode());
				}

				@Override
				public void close() {
				}

			};
		};
	}

	/**
	 * Each client opens its connection and sends rounds of {@code perClient} requests,
	 * each as soon as the previous one is answered: rounds that warm up for
	 * {@code warmUp}, not measured, then the measured round. Every response must be 200
	 * (and, for the processes document, list the live trees).
	 */
	private static Load load(Connector connector, String path, int clients, int perClient, Duration warmUp,
			boolean expectLive) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		List<Connection> connections = new ArrayList<>();
		try {
			for (int c = 0; c < clients; c++) {
				connections.add(connector.open(path));
			}
			// warm-up: the same load, not measured, for a while, so that the JIT has
			// compiled the request path on both sides (the C2 compiler wants thousands
			// of calls of a method) before a latency counts
			long warmUpEnd = System.nanoTime() + warmUp.toNanos();
			while (System.nanoTime() - warmUpEnd < 0) {
				round(pool, connections, perClient, expectLive);
			}
			return round(pool, connections, perClient, expectLive);
		}
		finally {
			pool.shutdownNow();
			for (Connection connection : connections) {
				connection.close();
			}
		}
	}

	private static Load round(ExecutorService pool, List<Connection> connections, int perClient, boolean expectLive)
			throws Exception {
		List<Double> millis = Collections.synchronizedList(new ArrayList<>());
		double seconds = together(pool, connections.size(), (c) -> {
			for (int i = 0; i < perClient; i++) {
				long start = System.nanoTime();
				PlainHttpConnection.Response response = connections.get(c).get();
				millis.add(Scenarios.millis(start));
				check(response, expectLive);
			}
		});
		return new Load(Stats.of(millis), connections.size() * perClient / seconds);
	}

	/**
	 * Paced clients, spread over the interval as independent pollers are, each sending
	 * {@code perPath} requests to each of two paths in turn, one per tick of a fixed
	 * rate; a latency counts from the tick, so a slow answer delays the next one's clock
	 * too.
	 */
	private static List<Load> pacedPair(Connector connector, String first, String second, int clients, int perPath,
			Duration pace) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		List<List<Connection>> connections = List.of(new ArrayList<>(), new ArrayList<>());
		List<List<Double>> millis = List.of(Collections.synchronizedList(new ArrayList<>()),
				Collections.synchronizedList(new ArrayList<>()));
		try {
			for (int c = 0; c < clients; c++) {
				connections.get(0).add(connector.open(first));
				connections.get(1).add(connector.open(second));
			}
			double seconds = together(pool, clients, (c) -> {
				long firstTick = System.nanoTime() + pace.toNanos() * c / clients;
				for (int i = 0; i < 2 * perPath; i++) {
					long tick = firstTick + i * pace.toNanos();
					long early = tick - System.nanoTime();
					if (early > 0) {
						TimeUnit.NANOSECONDS.sleep(early);
					}
					PlainHttpConnection.Response response = connections.get(i % 2).get(c).get();
					millis.get(i % 2).add(Scenarios.millis(tick));
					check(response, false);
				}
			});
			return List.of(new Load(Stats.of(millis.get(0)), clients * perPath / seconds),
					new Load(Stats.of(millis.get(1)), clients * perPath / seconds));
		}
		finally {
			pool.shutdownNow();
			for (List<Connection> each : connections) {
				for (Connection connection : each) {
					connection.close();
				}
			}
		}
	}

	/** What one client does, given its index. */
	private interface Client {

		void run(int index) throws Exception;

	}

	/** Runs the clients, released together; returns the seconds until all were done. */
	private static double together(ExecutorService pool, int clients, Client client) throws Exception {
		CountDownLatch go = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			int index = c;
			done.add(pool.submit(() -> {
				go.await();
				client.run(index);
				return null;
			}));
		}
		long start = System.nanoTime();
		go.countDown();
		for (Future<?> each : done) {
			each.get(10, TimeUnit.MINUTES);
		}
		return (System.nanoTime() - start) / 1e9;
	}

	private static void check(PlainHttpConnection.Response response, boolean expectLive) {
		if (response.status() != 200) {
			throw new IllegalStateException("answered " + response.status() + ": " + response.text());
		}
		if (expectLive && indexOf(response.head(), LIVE) < 0) {
			throw new IllegalStateException("no live list: " + response.text().substring(0, 200));
		}
	}

	private static final byte[] LIVE = "\"live\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private static int indexOf(byte[] body, byte[] part) {
		outer: for (int i = 0; i + part.length <= body.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (body[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/** The app: auto-configuration only (web MVC, actuator, the starter). */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class App {

	}

}
