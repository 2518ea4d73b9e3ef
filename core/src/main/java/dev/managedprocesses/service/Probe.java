package dev.managedprocesses.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One check of a service: a command that must exit with 0, an HTTP URL that must answer
 * 2xx or 3xx, a TCP port that must accept a connection, or (readiness only) a line of
 * output that must match a regular expression. Immutable; the factories check their
 * argument and throw {@link IllegalArgumentException}.
 */
public final class Probe {

	/**
	 * The kinds of probe.
	 */
	public enum Kind {

		/** A command, run as a managed process, that must exit with 0. */
		EXEC,

		/** An HTTP GET that must answer with a status from 200 to 399. */
		HTTP,

		/** A TCP connection that must be accepted. */
		TCP,

		/**
		 * A line of the service's output that must match a regular expression (readiness
		 * only).
		 */
		LOG_LINE

	}

	private final Kind kind;

	private final List<String> command;

	private final URI url;

	private final String host;

	private final int port;

	private final Pattern pattern;

	private Probe(Kind kind, List<String> command, URI url, String host, int port, Pattern pattern) {
		this.kind = kind;
		this.command = command;
		this.url = url;
		this.host = host;
		this.port = port;
		this.pattern = pattern;
	}

	/**
	 * A command probe: passes when the command exits with 0 within the attempt's time.
	 * @param command the command, executable first, no shell
	 * @return the probe
	 */
	public static Probe exec(List<String> command) {
		Objects.requireNonNull(command, "command must not be null");
		if (command.isEmpty() || command.stream().anyMatch(Objects::isNull) || command.get(0).isBlank()) {
			throw new IllegalArgumentException("must be a non-empty command, was " + command);
		}
		return new Probe(Kind.EXEC, List.copyOf(command), null, null, 0, null);
	}

	/**
	 * A command probe, as {@link #exec(List)}.
	 * @param command the command, executable first
	 * @return the probe
	 */
	public static Probe exec(String... command) {
		return exec(Arrays.asList(command));
	}

	/**
	 * An HTTP probe: passes when a GET answers with a status from 200 to 399.
	 * @param url an absolute {@code http} or {@code https} URL with a host
	 * @return the probe
	 */
	public static Probe http(String url) {
		Objects.requireNonNull(url, "url must not be null");
		try {
			URI uri = new URI(url);
			String scheme = uri.getScheme();
			if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
					|| uri.getHost() == null) {
				throw new IllegalArgumentException(
						"must be an absolute http or https URL with a host, was '" + url + "'");
			}
			return new Probe(Kind.HTTP, null, uri, null, 0, null);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("must be a valid URL, was '" + url + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * A TCP probe: passes when a connection to {@code host:port} is accepted.
	 * @param hostAndPort {@code host:port}, such as {@code localhost:5432} or
	 * {@code [::1]:8080}
	 * @return the probe
	 */
	public static Probe tcp(String hostAndPort) {
		Objects.requireNonNull(hostAndPort, "host and port must not be null");
		int colon = hostAndPort.lastIndexOf(':');
		if (colon <= 0 || colon == hostAndPort.length() - 1) {
			throw new IllegalArgumentException("must be host:port, was '" + hostAndPort + "'");
		}
		String host = hostAndPort.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		try {
			return tcp(host, Integer.parseInt(hostAndPort.substring(colon + 1)));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("must be host:port with a numeric port, was '" + hostAndPort + "'", ex);
		}
	}

	/**
	 * A TCP probe: passes when a connection to the host and port is accepted.
	 * @param host the host name or address
	 * @param port the port, 1 to 65535
	 * @return the probe
	 */
	public static Probe tcp(String host, int port) {
		if (host == null || host.isBlank()) {
			throw new IllegalArgumentException("must name a host");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("must have a port from 1 to 65535, was " + port);
		}
		return new Probe(Kind.TCP, null, null, host, port, null);
	}

	/**
	 * A log-line probe (readiness only): passes when a line of standard output or
	 * standard error matches.
	 * @param regex a regular expression, found anywhere in the line
	 * @return the probe
	 */
	public static Probe logLine(String regex) {
		Objects.requireNonNull(regex, "regex must not be null");
		try {
			return new Probe(Kind.LOG_LINE, null, null, null, 0, Pattern.compile(regex));
		}
		catch (PatternSyntaxException ex) {
			throw new IllegalArgumentException(
					"must be a valid regular expression, was '" + regex + "': " + ex.getDescription(), ex);
		}
	}

	/**
	 * The kind of probe.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * The command of an {@link Kind#EXEC} probe.
	 * @return the command, or empty for other kinds
	 */
	public Optional<List<String>> command() {
		return Optional.ofNullable(this.command);
	}

	/**
	 * The URL of an {@link Kind#HTTP} probe.
	 * @return the URL, or empty for other kinds
	 */
	public Optional<URI> url() {
		return Optional.ofNullable(this.url);
	}

	/**
	 * The host of a {@link Kind#TCP} probe.
	 * @return the host, or empty for other kinds
	 */
	public Optional<String> host() {
		return Optional.ofNullable(this.host);
	}

	/**
	 * The port of a {@link Kind#TCP} probe.
	 * @return the port, 0 for other kinds
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The pattern of a {@link Kind#LOG_LINE} probe.
	 * @return the pattern, or empty for other kinds
	 */
	public Optional<Pattern> pattern() {
		return Optional.ofNullable(this.pattern);
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case EXEC -> "exec " + this.command;
			case HTTP -> "http " + this.url;
			case TCP -> "tcp " + this.host + ":" + this.port;
			case LOG_LINE -> "log-line " + this.pattern.pattern();
		};
	}

}
