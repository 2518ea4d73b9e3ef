package dev.managedprocesses.reaper;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pids that a JDK thread waits for, or is about to wait for, with {@code waitpid}.
 * The JDK's process reaper threads name themselves {@code process reaper (pid N)} while
 * they handle pid {@code N} (Java 17, 21 and 25); the JDK's own map of children is
 * private and would need {@code --add-opens}, which a library must not require.
 * <p>
 * A named thread is not always going to reap: {@code ProcessHandle.of(pid).onExit()} for
 * a pid that was not a child when it was called ends up in a loop that only polls
 * {@code isAlive0} and sleeps (a zombie counts as alive there), and never calls
 * {@code waitpid} again. If that pid is later orphaned to this JVM, vetoing it would make
 * the reaper and the JDK wait for each other forever. So for the pids in question the
 * stack of each named thread is read: a thread in that poll loop (a sleep or
 * {@code isAlive0} under {@code ProcessHandleImpl}, no {@code waitForProcessExit0}) does
 * not veto; any other named thread does (it waits, or is about to).
 * <p>
 * Names are read with {@link ThreadMXBean#getThreadInfo(long[], int)} at depth 0: no
 * stack traces, so no safepoint pause ({@link Thread#getAllStackTraces()} stops the JVM,
 * 6 to 10 ms with 1,000 threads). Stacks are read only for the few named threads whose
 * pid is a zombie the reaper would otherwise take.
 */
final class JdkWaiters {

	private static final String PREFIX = "process reaper (pid ";

	private static final int STACK_DEPTH = 16;

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	/**
	 * Which of the given pids a JDK thread waits for or will wait for.
	 * @param candidates the pids of zombies the reaper would reap
	 * @return the vetoed pids
	 */
	Set<Long> waitingFor(Collection<Long> candidates) {
		Map<Long, List<Long>> threadsByPid = new HashMap<>();
		for (ThreadInfo info : this.threads.getThreadInfo(this.threads.getAllThreadIds(), 0)) {
			if (info != null) {
				long pid = parse(info.getThreadName());
				if (pid > 0 && candidates.contains(pid)) {
					threadsByPid.computeIfAbsent(pid, (key) -> new ArrayList<>()).add(info.getThreadId());
				}
			}
		}
		Set<Long> vetoed = new HashSet<>();
		threadsByPid.forEach((pid, ids) -> {
			long[] threadIds = ids.stream().mapToLong(Long::longValue).toArray();
			for (ThreadInfo info : this.threads.getThreadInfo(threadIds, STACK_DEPTH)) {
				// a thread that ended meanwhile (null) or moved on to another pid no
				// longer waits for this one
				if (info != null && parse(info.getThreadName()) == pid && !isPollingNonChild(info.getStackTrace())) {
					vetoed.add(pid);
				}
			}
		});
		return vetoed;
	}

	/**
	 * Tells whether a reaper thread's stack is in the JDK's poll loop for a pid that was
	 * not its child: it sleeps or calls {@code isAlive0} inside
	 * {@code ProcessHandleImpl}, and is not in {@code waitForProcessExit0}. Anything else
	 * (including a stack not yet or no longer in that loop) is treated as a thread that
	 * will reap.
	 * @param stack the top of the stack
	 * @return {@code true} only for the poll loop
	 */
	static boolean isPollingNonChild(StackTraceElement[] stack) {
		boolean inProcessHandle = false;
		boolean polling = false;
		for (StackTraceElement frame : stack) {
			String method = frame.getMethodName();
			if (method.equals("waitForProcessExit0")) {
				return false;
			}
			if (method.equals("isAlive0")
					|| (frame.getClassName().equals("java.lang.Thread") && method.startsWith("sleep"))) {
				polling = true;
			}
			if (frame.getClassName().startsWith("java.lang.ProcessHandleImpl")) {
				inProcessHandle = true;
			}
		}
		return polling && inProcessHandle;
	}

	/** The pid in a JDK reaper thread's name, or -1 for any other name. */
	static long parse(String name) {
		if (name.startsWith(PREFIX) && name.endsWith(")")) {
			try {
				return Long.parseLong(name.substring(PREFIX.length(), name.length() - 1));
			}
			catch (NumberFormatException ex) {
				// not the JDK's naming after all
			}
		}
		return -1;
	}

}
