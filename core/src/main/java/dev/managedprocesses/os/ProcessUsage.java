package dev.managedprocesses.os;

/**
 * What a process used at one moment, as the process table tells it, read in the same pass
 * as the rest of {@link ProcessInfo}. A negative value means the platform does not tell.
 *
 * @param cpuNanos CPU time used so far, user plus system, in nanoseconds (Linux:
 * clock-tick resolution)
 * @param rssBytes resident memory in bytes
 * @param threads number of threads
 */
public record ProcessUsage(long cpuNanos, long rssBytes, int threads) {

	/** Nothing known. */
	public static final ProcessUsage UNKNOWN = new ProcessUsage(-1, -1, -1);

}
