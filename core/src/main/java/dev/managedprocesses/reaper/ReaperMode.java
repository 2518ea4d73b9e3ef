package dev.managedprocesses.reaper;

/**
 * When the {@link OrphanReaper} reaps.
 */
public enum ReaperMode {

	/**
	 * Only when orphans can come to this JVM: it is PID 1 of its namespace, or a child
	 * subreaper.
	 */
	AUTO,

	/** Whenever the platform allows it. */
	ALWAYS,

	/** Never. */
	NEVER

}
