package dev.managedprocesses.os;

/**
 * A process identity that survives pid reuse: the pid together with the process's start
 * time token.
 *
 * @param pid the process id
 * @param startTime the start time token from {@link ProcessInfo#startTime()}
 */
public record ProcessId(long pid, long startTime) {

}
