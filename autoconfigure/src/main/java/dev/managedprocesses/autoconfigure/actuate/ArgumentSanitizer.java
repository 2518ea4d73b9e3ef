package dev.managedprocesses.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks the arguments of a command like Spring Boot masks property values: the executable is always shown;
 * every argument after it goes through the {@link SanitizingFunction} beans, then is masked unless values are
 * shown. An argument {@code --name=value} is offered to the functions with key {@code name}; any other argument
 * with key {@code arg<index>}.
 */
final class ArgumentSanitizer {

	private final Sanitizer sanitizer;

	ArgumentSanitizer(Iterable<SanitizingFunction> functions) {
		this.sanitizer = new Sanitizer(functions);
	}

	List<String> sanitize(Collection<String> command, boolean showUnsanitized) {
		List<String> result = new ArrayList<>(command.size());
		int index = 0;
		for (String argument : command) {
			if (index == 0) {
				result.add(argument);
			}
			else {
				SanitizableData data = new SanitizableData(null, keyOf(argument, index), argument);
				Object sanitized = this.sanitizer.sanitize(data, showUnsanitized);
				result.add(String.valueOf(sanitized));
			}
			index++;
		}
		return result;
	}

	String sanitizeText(String text, boolean showUnsanitized) {
		if (text == null) {
			return null;
		}
		return String.valueOf(this.sanitizer.sanitize(new SanitizableData(null, "output", text), showUnsanitized));
	}

	private static String keyOf(String argument, int index) {
		int equals = argument.indexOf('=');
		if (argument.startsWith("-") && equals > 0) {
			return argument.substring(0, equals).replaceFirst("^-+", "");
		}
		return "arg" + index;
	}

}
