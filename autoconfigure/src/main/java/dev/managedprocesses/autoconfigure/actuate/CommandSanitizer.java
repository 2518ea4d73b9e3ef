package dev.managedprocesses.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks command lines the way Spring Boot masks property values: when values are not shown, every argument
 * after the executable is {@code ******}; when they are, each argument still goes through the
 * {@link SanitizingFunction} beans. An argument {@code --name=value} is offered under the key {@code name}, so
 * functions such as {@link SanitizingFunction#ifLikelyCredential()} catch {@code --password=...}; other
 * arguments under {@code argN}.
 */
final class CommandSanitizer {

	private final Sanitizer sanitizer;

	CommandSanitizer(Iterable<SanitizingFunction> functions) {
		this.sanitizer = new Sanitizer(functions);
	}

	List<String> sanitize(List<String> command, boolean showValues) {
		List<String> result = new ArrayList<>(command.size());
		for (int i = 0; i < command.size(); i++) {
			String argument = command.get(i);
			if (i == 0) {
				result.add(argument);
				continue;
			}
			SanitizableData data = new SanitizableData(null, keyOf(argument, i), argument);
			result.add(String.valueOf(this.sanitizer.sanitize(data, showValues)));
		}
		return result;
	}

	String sanitizeText(String key, String text, boolean showValues) {
		return String.valueOf(this.sanitizer.sanitize(new SanitizableData(null, key, text), showValues));
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
