package dev.managedprocesses.os;

/**
 * The signals the starter sends.
 */
public enum Signal {

	/** Polite request to terminate: {@code SIGTERM}. */
	TERM(15),

	/** Termination that cannot be caught: {@code SIGKILL}. */
	KILL(9);

	private final int number;

	Signal(int number) {
		this.number = number;
	}

	/**
	 * The POSIX signal number.
	 * @return the number
	 */
	public int number() {
		return this.number;
	}

}
