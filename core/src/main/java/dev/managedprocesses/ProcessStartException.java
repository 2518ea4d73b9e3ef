package dev.managedprocesses;

import java.util.List;

import dev.managedprocesses.internal.CommandLines;

/**
 * Thrown when a process cannot be started: the executable is missing, the directory is
 * wrong, the concurrency limit stayed full, the factory is shut down, or the operating
 * system refused. Nothing was registered or started when this is thrown.
 * <p>
 * The message names the executable and the number of arguments, never the arguments
 * themselves (they may hold secrets), and stays short whatever the command;
 * {@link #command()} has the full command for the caller.
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
		super("Cannot start " + CommandLines.describe(command) + ": " + reason, cause);
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
