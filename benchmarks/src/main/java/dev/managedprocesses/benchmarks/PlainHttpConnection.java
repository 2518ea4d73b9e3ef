package dev.managedprocesses.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection with blocking reads, as an orchestrator's prober or
 * a dashboard's poller holds one: a request is written, its response read on the same
 * thread. The load generator runs in the server's JVM on the same cores, so its own cost
 * counts against the server's latency; this client spends a write and a few reads per
 * request, where the JDK's {@code HttpClient} hands each request through its selector
 * thread and executor (see the README's benchmark section for both measured).
 */
final class PlainHttpConnection implements Closeable {

	private final int port;

	private final byte[] request;

	private final byte[] buffer = new byte[16 * 1024];

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	PlainHttpConnection(int port, String path) throws IOException {
		this.port = port;
		this.request = ("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
				+ "\r\nAccept: application/json\r\nConnection: keep-alive\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		connect();
	}

	private void connect() throws IOException {
		this.socket = new Socket();
		this.socket.setTcpNoDelay(true);
		this.socket.connect(new InetSocketAddress("localhost", this.port), 10_000);
		this.socket.setSoTimeout(60_000);
		this.in = new BufferedInputStream(this.socket.getInputStream(), 64 * 1024);
		this.out = this.socket.getOutputStream();
	}

	/** Sends the request and reads the whole response. */
	Response get() throws IOException {
		if (this.socket == null) {
			connect();
		}
		this.out.write(this.request);
		this.out.flush();
		int status = status(line());
		long length = -1;
		boolean chunked = false;
		boolean close = false;
		for (String header = line(); !header.isEmpty(); header = line()) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				length = Long.parseLong(lower.substring(15).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
			else if (lower.startsWith("connection:") && lower.contains("close")) {
				// Tomcat ends a connection after maxKeepAliveRequests: connect again, as
				// a prober would
				close = true;
			}
		}
		Body body = new Body();
		if (chunked) {
			for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
				copy(size, body);
				line();
			}
			// trailers end with an empty line
			while (!line().isEmpty()) {
			}
		}
		else if (length >= 0) {
			copy(length, body);
		}
		else {
			throw new IOException("a response with neither a length nor chunks");
		}
		if (close) {
			close();
		}
		return body.response(status);
	}

	private void copy(long count, Body body) throws IOException {
		long left = count;
		while (left > 0) {
			int read = this.in.read(this.buffer, 0, (int) Math.min(this.buffer.length, left));
			if (read < 0) {
				throw new IOException("connection closed in a body");
			}
			body.add(this.buffer, read);
			left -= read;
		}
	}

	private String line() throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
			if (b < 0) {
				throw new IOException("connection closed in a header");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	private static int status(String line) throws IOException {
		String[] parts = line.split(" ", 3);
		if (parts.length < 2) {
			throw new IOException("not a status line: " + line);
		}
		return Integer.parseInt(parts[1]);
	}

	@Override
	public void close() throws IOException {
		if (this.socket != null) {
			this.socket.close();
			this.socket = null;
		}
	}

	/**
	 * A status, the body's length and its first {@value #HEAD} bytes: a large body is
	 * read through, not kept, so the load generator allocates little beside the server it
	 * measures.
	 */
	record Response(int status, long length, byte[] head) {

		static final int HEAD = 8 * 1024;

		String text() {
			return new String(this.head, StandardCharsets.UTF_8);
		}

	}

	/** Counts a body and keeps its head. */
	static final class Body {

		private final ByteArrayOutputStream head = new ByteArrayOutputStream();

		private long length;

		void add(byte[] bytes, int count) {
			int keep = (int) Math.min(count, Math.max(0, Response.HEAD - this.head.size()));
			this.head.write(bytes, 0, keep);
			this.length += count;
		}

		Response response(int status) {
			return new Response(status, this.length, this.head.toByteArray());
		}

	}

}
