package dev.managedprocesses.os;

/**
 * One process held by identity from the moment it was first seen, so that every later
 * signal reaches that process and never another that reused its pid. On Linux 5.3+ it
 * holds a pidfd; elsewhere it checks the start time before each signal (see
 * {@link OperatingSystem#pin(ProcessId)} for what that guarantees). Close it when done:
 * it may hold a file descriptor. Internal: not part of the API.
 */
public interface PinnedProcess extends AutoCloseable {

	/**
	 * The identity this pin was taken for.
	 * @return the identity
	 */
	ProcessId id();

	/**
	 * Sends a signal to the pinned process.
	 * @param signal the signal
	 * @return {@code true} if delivered, {@code false} when the process is gone
	 */
	boolean signal(Signal signal);

	/**
	 * Releases what the pin holds (its pidfd). Never throws.
	 */
	@Override
	void close();

}
