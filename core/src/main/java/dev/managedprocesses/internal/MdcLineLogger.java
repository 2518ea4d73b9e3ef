package dev.managedprocesses.internal;

import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.MDC;

/**
 * Logs lines of a process's output with the process's name and pid in the SLF4J
 * {@link MDC}, under {@value #NAME_KEY} and {@value #PID_KEY}, so structured logging
 * tells which child wrote a line. The keys are set around each log call only and the
 * thread's previous values are put back after, so nothing leaks into whatever else the
 * reading thread logs. The pid is known only after the spawn, while the line consumers
 * are wired before it: {@link #bindPid(long)} it once the process exists (lines cannot
 * come earlier).
 * <p>
 * Internal: public only because the core's main package uses it; not part of the public
 * API.
 */
public final class MdcLineLogger implements Consumer<String> {

	/** The MDC key of the process's name. */
	public static final String NAME_KEY = "process.name";

	/** The MDC key of the process's pid. */
	public static final String PID_KEY = "process.pid";

	private final Consumer<String> log;

	private final String name;

	private volatile String pid;

	/**
	 * Wraps a log call.
	 * @param log logs one line, such as {@code logger::info}
	 * @param name the process's name
	 */
	public MdcLineLogger(Consumer<String> log, String name) {
		this.log = Objects.requireNonNull(log, "log must not be null");
		this.name = Objects.requireNonNull(name, "name must not be null");
	}

	/**
	 * Sets the pid, once the process is spawned.
	 * @param pid the pid
	 */
	public void bindPid(long pid) {
		this.pid = Long.toString(pid);
	}

	@Override
	public void accept(String line) {
		String previousName = MDC.get(NAME_KEY);
		String previousPid = MDC.get(PID_KEY);
		MDC.put(NAME_KEY, this.name);
		String currentPid = this.pid;
		if (currentPid != null) {
			MDC.put(PID_KEY, currentPid);
		}
		try {
			this.log.accept(line);
		}
		finally {
			restore(NAME_KEY, previousName);
			restore(PID_KEY, previousPid);
		}
	}

	private static void restore(String key, String previous) {
		if (previous != null) {
			MDC.put(key, previous);
		}
		else {
			MDC.remove(key);
		}
	}

}
