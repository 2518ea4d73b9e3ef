package dev.managedprocesses.os;

import java.util.Locale;

/**
 * The signals the starter sends: {@code SIGKILL}, and the stop signals a process may ask
 * for at the start of a graceful stop ({@code SIGTERM} by default). Numbers are Linux's;
 * elsewhere every signal but {@code KILL} is sent as the platform's polite termination
 * ({@code ProcessHandle.destroy()}).
 */
public enum Signal {

	/** Hang-up, which many daemons take as "reload" or "stop": {@code SIGHUP}. */
	HUP(1),

	/** Interrupt, as Ctrl-C sends it: {@code SIGINT}. */
	INT(2),

	/**
	 * Quit (some servers stop gracefully on it, the JVM dumps threads): {@code SIGQUIT}.
	 */
	QUIT(3),

	/** Termination that cannot be caught: {@code SIGKILL}. */
	KILL(9),

	/** User-defined signal 1: {@code SIGUSR1}. */
	USR1(10),

	/** User-defined signal 2: {@code SIGUSR2}. */
	USR2(12),

	/** Polite request to terminate: {@code SIGTERM}. */
	TERM(15);

	private final int number;

	Signal(int number) {
		this.number = number;
	}

	/**
	 * The signal number on Linux.
	 * @return the number
	 */
	public int number() {
		return this.number;
	}

	/**
	 * The signal of a name, with or without the {@code SIG} prefix, in any case
	 * ({@code "TERM"}, {@code "sigint"}).
	 * @param name the name
	 * @return the signal
	 * @throws IllegalArgumentException when no signal has this name (the message lists
	 * the known ones)
	 */
	public static Signal named(String name) {
		if (name != null) {
			String upper = name.strip().toUpperCase(Locale.ROOT);
			if (upper.startsWith("SIG")) {
				upper = upper.substring(3);
			}
			for (Signal signal : values()) {
				if (signal.name().equals(upper)) {
					return signal;
				}
			}
		}
		throw new IllegalArgumentException(
				"unknown signal '" + name + "': expected one of HUP, INT, QUIT, KILL, " + "USR1, USR2, TERM");
	}

}
