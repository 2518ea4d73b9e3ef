package dev.managedprocesses.internal;

import java.util.List;

/**
 * The one rule for naming a command in exception messages and log lines: the executable
 * and how many arguments follow, never the arguments themselves (they may carry
 * passwords, tokens, URLs with user info), and never longer than {@link #MAX_LENGTH}
 * characters whatever the command. The full command stays available to code that asks for
 * it ({@code ProcessStartException.command()}, the endpoint with its own sanitizing).
 * Internal: not part of the public API.
 */
public final class CommandLines {

	/** The longest description, in characters. */
	public static final int MAX_LENGTH = 256;

	private CommandLines() {
	}

	/**
	 * Describes a command for a message or a log line:
	 * {@code "/usr/bin/mysql (3 arguments)"}.
	 * @param command the executable and its arguments; {@code null} or empty gives
	 * {@code "(no command)"}
	 * @return the executable and the number of arguments, at most {@link #MAX_LENGTH}
	 * characters
	 */
	public static String describe(List<String> command) {
		if (command == null || command.isEmpty()) {
			return "(no command)";
		}
		String executable = executable(command.get(0));
		int arguments = command.size() - 1;
		String count = switch (arguments) {
			case 0 -> "";
			case 1 -> " (1 argument)";
			default -> " (" + arguments + " arguments)";
		};
		return bounded(executable, MAX_LENGTH - count.length()) + count;
	}

	/**
	 * The executable of a command line's first element: up to its first whitespace, since
	 * a process that rewrote its title ({@code exec -a "mysql --password=x"}) may put
	 * arguments there.
	 * @param argumentZero the first element of the command line, or {@code null}
	 * @return the executable, at most {@link #MAX_LENGTH} characters
	 */
	public static String executable(String argumentZero) {
		if (argumentZero == null) {
			return "(unknown)";
		}
		String trimmed = argumentZero.strip();
		int end = 0;
		while (end < trimmed.length() && !Character.isWhitespace(trimmed.charAt(end))) {
			end++;
		}
		return bounded(trimmed.substring(0, end), MAX_LENGTH);
	}

	private static String bounded(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, Math.max(0, max - 3)) + "...";
	}

}
