package dev.managedprocesses;

import java.util.List;

/**
 * Hears about the life of every process a {@link ManagedProcessFactory} starts. Used for metrics; every
 * method has an empty default. Listeners are called on the thread where the event happens, so they must be
 * quick and must not throw (a throwing listener is logged and ignored).
 */
public interface ProcessListener {

	/**
	 * A process started.
	 * @param process the process
	 */
	default void started(ManagedProcess process) {
	}

	/**
	 * The operating system refused to start a process (bad input is rejected before and is not reported).
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
