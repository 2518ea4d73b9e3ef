package dev.managedprocesses.reaper;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashSet;
import java.util.Set;

/**
 * The pids that a JDK thread is waiting for right now. The JDK's process reaper threads name themselves
 * {@code process reaper (pid N)} while they wait for child {@code N} (Java 17, 21 and 25); the JDK's own map
 * of children is private and would need {@code --add-opens}, which a library must not require.
 * <p>
 * Names are read with {@link ThreadMXBean#getThreadInfo(long[], int)} at depth 0: no stack traces, so no
 * safepoint pause ({@link Thread#getAllStackTraces()} stops the JVM, 6 to 10 ms with 1,000 threads).
 */
final class JdkWaiters {

	private static final String PREFIX = "process reaper (pid ";

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	Set<Long> pids() {
		Set<Long> pids = new HashSet<>();
		for (ThreadInfo info : this.threads.getThreadInfo(this.threads.getAllThreadIds(), 0)) {
			if (info != null) {
				parse(info.getThreadName(), pids);
			}
		}
		return pids;
	}

	static void parse(String name, Set<Long> pids) {
		if (name.startsWith(PREFIX) && name.endsWith(")")) {
			try {
				pids.add(Long.parseLong(name.substring(PREFIX.length(), name.length() - 1)));
			}
			catch (NumberFormatException ex) {
				// not the JDK's naming after all
			}
		}
	}

}
