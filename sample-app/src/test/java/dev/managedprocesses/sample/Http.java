package dev.managedprocesses.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small HTTP client for one app on 127.0.0.1 (the end-to-end tests reach nothing else).
 */
final class Http {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final int port;

	Http(int port) {
		this.port = port;
	}

	int port() {
		return this.port;
	}

	HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build());
	}

	HttpResponse<String> post(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path))
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
	}

	HttpResponse<String> delete(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).DELETE().build());
	}

	/**
	 * Whether the app answers health at all: 503 (DOWN) is an answer too, e.g. PID 1
	 * without a reaper.
	 */
	boolean isServing() {
		try {
			int status = get("/actuator/health").statusCode();
			return status == 200 || status == 503;
		}
		catch (IOException | InterruptedException ex) {
			return false;
		}
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
