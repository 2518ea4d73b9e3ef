package dev.managedprocesses;

import java.util.List;

/**
 * Hears about the life of every process a {@link ManagedProcessFactory} starts. Used for
 * metrics; every method has an empty default. A throwing listener is logged and ignored.
 * <p>
 * {@link #started} and {@link #finished} are called on the factory's callback executor
 * (see {@link ManagedProcessFactory.Builder#callbackExecutor}), never on the starter's
 * own threads, and in order per process: {@code started} has returned, for every
 * listener, before {@code finished} of the same process is called. Events of different
 * processes may be delivered concurrently. {@link #startFailed} is called in the thread
 * that called {@code start()} or {@code run()}, before the exception is thrown.
 */
public interface ProcessListener {

	/**
	 * A process started.
	 * @param process the process
	 */
	default void started(ManagedProcess process) {
	}

	/**
	 * The operating system refused to start a process (bad input is rejected before and
	 * is not reported).
	 * @param command the command
	 * @param failure what went wrong
	 */
	default void startFailed(List<String> command, Throwable failure) {
	}

	/**
	 * A process finished and its resources are released.
	 * @param result its result
	 */
	default void finished(ProcessResult result) {
	}

}
