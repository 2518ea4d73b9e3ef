package dev.managedprocesses.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks command lines the way Spring Boot masks property values; the one rule that
 * {@code /actuator/processes} and {@code /actuator/services} apply. When values are not
 * shown, everything after the executable is {@code ******}; when they are, each argument
 * still goes through the {@link SanitizingFunction} beans. An argument
 * {@code --name=value} is offered under the key {@code name}, so functions such as
 * {@link SanitizingFunction#ifLikelyCredential()} catch {@code --password=...}; other
 * arguments under {@code argN}.
 * <p>
 * {@code argv[0]} is not trusted to be only the executable: a process can rewrite it
 * ({@code exec -a "mysql
 * --password=x" ...}, or {@code setproctitle}), and the kernel then shows the whole title
 * as {@code argv[0]}. Its first whitespace-separated token is kept as the executable; the
 * rest of it is sanitized like arguments.
 * <p>
 * Public only so that the services endpoint, in a sibling package, shares this rule; not
 * an API for users.
 */
public final class CommandSanitizer {

	private static final String MASK = "******";

	private final Sanitizer sanitizer;

	/**
	 * Creates a sanitizer.
	 * @param functions the sanitizing functions to apply when values are shown
	 */
	public CommandSanitizer(Iterable<SanitizingFunction> functions) {
		this.sanitizer = new Sanitizer(functions);
	}

	/**
	 * Sanitizes a command line.
	 * @param command the command, executable first
	 * @param showValues whether argument values may be shown
	 * @return the sanitized command, of the same length
	 */
	public List<String> sanitize(List<String> command, boolean showValues) {
		List<String> result = new ArrayList<>(command.size());
		for (int i = 0; i < command.size(); i++) {
			String argument = command.get(i);
			result.add((i == 0) ? sanitizeArgvZero(argument, showValues) : sanitize(argument, i, showValues));
		}
		return result;
	}

	/**
	 * Sanitizes free text (such as captured output) under the given key.
	 * @param key the key offered to the sanitizing functions
	 * @param text the text
	 * @param showValues whether values may be shown
	 * @return the text, or its mask
	 */
	public String sanitizeText(String key, String text, boolean showValues) {
		return String.valueOf(this.sanitizer.sanitize(new SanitizableData(null, key, text), showValues));
	}

	private String sanitizeArgvZero(String argvZero, boolean showValues) {
		String[] tokens = argvZero.trim().split("\\s+");
		if (tokens.length <= 1) {
			return argvZero;
		}
		StringBuilder result = new StringBuilder(tokens[0]);
		if (!showValues) {
			// one mask for the whole rewritten rest: how many words it had is nobody's
			// business either
			return result.append(' ').append(MASK).toString();
		}
		for (int i = 1; i < tokens.length; i++) {
			result.append(' ').append(sanitize(tokens[i], i, true));
		}
		return result.toString();
	}

	private String sanitize(String argument, int index, boolean showValues) {
		SanitizableData data = new SanitizableData(null, keyOf(argument, index), argument);
		return String.valueOf(this.sanitizer.sanitize(data, showValues));
	}

	private static String keyOf(String argument, int index) {
		if (argument.startsWith("-")) {
			int eq = argument.indexOf('=');
			if (eq > 0) {
				String name = argument.substring(0, eq).replaceFirst("^-+", "");
				if (!name.isEmpty()) {
					return name;
				}
			}
		}
		return "arg" + index;
	}

}
