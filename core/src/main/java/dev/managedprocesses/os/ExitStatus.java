package dev.managedprocesses.os;

import java.util.OptionalInt;

/**
 * How a reaped process ended, decoded from the raw {@code wait} status.
 *
 * @param exitCode the exit code as the JDK would report it: the process's own code, or
 * {@code 128 + N} when killed by signal {@code N}
 * @param signal the signal that killed it, if any
 */
public record ExitStatus(int exitCode, OptionalInt signal) {

	/**
	 * Decodes a raw status as {@code waitpid} fills it.
	 * @param status the raw status
	 * @return the decoded status
	 */
	public static ExitStatus fromWaitStatus(int status) {
		int termSignal = status & 0x7f;
		if (termSignal == 0) {
			return new ExitStatus((status >> 8) & 0xff, OptionalInt.empty());
		}
		return new ExitStatus(128 + termSignal, OptionalInt.of(termSignal));
	}

	/**
	 * Tells whether a signal ended the process.
	 * @return {@code true} when killed by a signal
	 */
	public boolean killedBySignal() {
		return this.signal.isPresent();
	}

	@Override
	public String toString() {
		return this.signal.isPresent() ? "signal " + this.signal.getAsInt() : "exit " + this.exitCode;
	}

}
