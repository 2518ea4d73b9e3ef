package dev.managedprocesses;

/**
 * Where a {@link ManagedProcess} is in its life.
 */
public enum ProcessState {

	/** Started and not asked to stop. */
	RUNNING,

	/**
	 * Being stopped: its tree got {@code SIGTERM} and may get {@code SIGKILL} after the
	 * grace period.
	 */
	STOPPING,

	/** Ended on its own. */
	EXITED,

	/** Stopped because it ran past its timeout. */
	TIMED_OUT,

	/**
	 * Stopped by {@link ManagedProcess#stop()}, {@link ManagedProcess#kill()} or
	 * shutdown.
	 */
	STOPPED;

	/**
	 * Tells whether the process has finished.
	 * @return {@code true} for {@link #EXITED}, {@link #TIMED_OUT} and {@link #STOPPED}
	 */
	public boolean isFinished() {
		return this == EXITED || this == TIMED_OUT || this == STOPPED;
	}

}
