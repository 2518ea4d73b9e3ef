package dev.managedprocesses.reaper;

/**
 * Hears about every orphan the reaper reaps (metrics use this). Called on the reaper
 * thread: be quick.
 */
@FunctionalInterface
public interface ReaperListener {

	/**
	 * An orphan was reaped.
	 * @param process the reaped orphan
	 */
	void reaped(ReapedProcess process);

}
