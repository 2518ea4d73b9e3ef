package dev.managedprocesses.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.ProcessResult;

/**
 * Runs one attempt of an exec, http or tcp probe on the probe pool (they block), bounded
 * by a timeout. Answers empty when the probe passed, else why it failed.
 */
final class ProbeRunner {

	private final ManagedProcessFactory factory;

	ProbeRunner(ManagedProcessFactory factory) {
		this.factory = factory;
	}

	Optional<String> attempt(String service, Probe probe, Duration timeout) {
		try {
			return switch (probe.kind()) {
				case EXEC -> exec(service, probe, timeout);
				case HTTP -> http(probe, timeout);
				case TCP -> tcp(probe, timeout);
				case LOG_LINE -> Optional.of("log-line probes are not polled");
			};
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.of("interrupted");
		}
		catch (Exception ex) {
			return Optional.of(ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
	}

	private Optional<String> exec(String service, Probe probe, Duration timeout) throws InterruptedException {
		ManagedProcess process = this.factory.command(probe.command().orElseThrow())
			.name(service + "-probe")
			.timeout(timeout)
			.gracePeriod(Duration.ofMillis(500))
			.captureOutput(4096)
			.start();
		ProcessResult result = process.await();
		if (result.outcome() == ProcessOutcome.TIMED_OUT) {
			return Optional.of("timed out after " + timeout);
		}
		if (result.exitCode() == 0) {
			return Optional.empty();
		}
		String output = (result.stdout() + result.stderr()).strip();
		if (output.length() > 200) {
			output = output.substring(output.length() - 200);
		}
		return Optional.of("exit code " + result.exitCode() + (output.isEmpty() ? "" : ": " + output));
	}

	private Optional<String> http(Probe probe, Duration timeout) throws IOException {
		HttpURLConnection connection = (HttpURLConnection) probe.url().orElseThrow().toURL().openConnection();
		int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
		connection.setConnectTimeout(millis);
		connection.setReadTimeout(millis);
		connection.setInstanceFollowRedirects(false);
		connection.setUseCaches(false);
		try {
			int status = connection.getResponseCode();
			drain(connection);
			return (status >= 200 && status < 400) ? Optional.empty() : Optional.of("HTTP status " + status);
		}
		finally {
			connection.disconnect();
		}
	}

	private static void drain(HttpURLConnection connection) {
		try (InputStream in = (connection.getResponseCode() < 400) ? connection.getInputStream()
				: connection.getErrorStream()) {
			if (in != null) {
				in.readNBytes(64 * 1024);
			}
		}
		catch (IOException ex) {
			// the status is what counts
		}
	}

	private Optional<String> tcp(Probe probe, Duration timeout) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(probe.host().orElseThrow(), probe.port()),
					(int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
			return Optional.empty();
		}
	}

	static void shutdown(ExecutorService pool) {
		pool.shutdownNow();
		try {
			pool.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
