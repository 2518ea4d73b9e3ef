package dev.managedprocesses.autoconfigure.service;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks a service's command exactly as {@code /actuator/processes} does (same rules as its
 * {@code CommandSanitizer}, which is package-private there): when values are not shown, every argument after
 * the executable is {@code ******}; when they are, each argument still goes through the
 * {@link SanitizingFunction} beans, {@code --name=value} under the key {@code name}, others under {@code argN}.
 */
final class ServiceCommandSanitizer {

	private final Sanitizer sanitizer;

	ServiceCommandSanitizer(Iterable<SanitizingFunction> functions) {
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
