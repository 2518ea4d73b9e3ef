package dev.managedprocesses;

/**
 * How a managed process ended.
 */
public enum ProcessOutcome {

	/** It ended on its own; its exit code says how well. */
	EXITED,

	/** It ran past its timeout and was stopped, whole tree. */
	TIMED_OUT,

	/**
	 * It was stopped on request ({@code stop()}, {@code kill()}, the endpoint, or
	 * shutdown).
	 */
	STOPPED;

	ProcessState toState() {
		return switch (this) {
			case EXITED -> ProcessState.EXITED;
			case TIMED_OUT -> ProcessState.TIMED_OUT;
			case STOPPED -> ProcessState.STOPPED;
		};
	}

}
