package dev.managedprocesses.sample.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny HTTP worker run as a supervised service by the sample, with nothing but the JDK:
 * its single class file is copied out of the application and started with the
 * application's own {@code java}, so it runs from an IDE, a fat jar or a JRE-only
 * container alike. No nested classes on purpose (one class file).
 * <ul>
 * <li>{@code serve <port>}: {@code /health} answers 200, {@code /work?n=N} counts the
 * primes below N.</li>
 * <li>{@code fetch <url>}: prints the body of a GET and exits 0 on a 200 (the sample's
 * dependent job).</li>
 * </ul>
 */
public final class HttpWorker {

	private HttpWorker() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 2 && args[0].equals("serve")) {
			serve(Integer.parseInt(args[1]));
		}
		else if (args.length == 2 && args[0].equals("fetch")) {
			System.exit(fetch(args[1]));
		}
		else {
			System.err.println("usage: HttpWorker serve <port> | fetch <url>");
			System.exit(2);
		}
	}

	private static void serve(int port) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
		server.setExecutor(Executors.newFixedThreadPool(2));
		server.createContext("/health", (exchange) -> answer(exchange, 200, "ok"));
		server.createContext("/work", (exchange) -> {
			String query = exchange.getRequestURI().getQuery();
			int n = 100_000;
			if (query != null && query.startsWith("n=")) {
				n = Math.min(5_000_000, Integer.parseInt(query.substring(2)));
			}
			answer(exchange, 200, "{\"n\":" + n + ",\"primes\":" + primesBelow(n) + "}");
		});
		server.start();
		System.out.println("worker listening on port " + port);
	}

	private static int primesBelow(int n) {
		boolean[] composite = new boolean[Math.max(n, 2)];
		int count = 0;
		for (int i = 2; i < n; i++) {
			if (!composite[i]) {
				count++;
				for (long j = (long) i * i; j < n; j += i) {
					composite[(int) j] = true;
				}
			}
		}
		return count;
	}

	private static void answer(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static int fetch(String url) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
		System.out.println(response.body());
		return (response.statusCode() == 200) ? 0 : 1;
	}

}
