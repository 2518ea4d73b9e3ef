package dev.managedprocesses;

import java.util.List;

/**
 * Thrown when a process cannot be started: the executable is missing, the directory is wrong, the
 * concurrency limit stayed full, or the operating system refused. Nothing was registered or started when
 * this is thrown.
 */
public class ProcessStartException extends RuntimeException {

	private final List<String> command;

	/**
	 * Creates an exception.
	 * @param command the command that could not start
	 * @param reason what went wrong
	 * @param cause the underlying failure, or {@code null}
	 */
	public ProcessStartException(List<String> command, String reason, Throwable cause) {
		super("Cannot start " + command + ": " + reason, cause);
		this.command = List.copyOf(command);
	}

	/**
	 * The command that could not start.
	 * @return the command, executable first
	 */
	public List<String> command() {
		return this.command;
	}

}
