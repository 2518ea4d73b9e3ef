package dev.managedprocesses.reaper;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;

/**
 * Remembers the live descendants of the JVM's children, that is the processes whose
 * parent is not the JVM, with their command: one of them that later shows up as a zombie
 * child of the JVM was orphaned (the JDK never spawned it), and its command is known
 * although a zombie's command line is gone. Used by the reaper thread only.
 */
final class DescendantWatcher {

	/**
	 * At most this many descendants are watched, so a huge tree cannot make a sweep
	 * expensive.
	 */
	static final int WATCH_LIMIT = 5_000;

	private final OperatingSystem os;

	private Map<ProcessId, List<String>> watched = new HashMap<>();

	/** The pids watched at the last look, for tests on other threads. */
	private volatile Set<Long> watchedPids = Set.of();

	DescendantWatcher(OperatingSystem os) {
		this.os = os;
	}

	/**
	 * Walks the JVM's descendants once and records those that another process started.
	 * The walk runs over one read of the process table without command lines: asking each
	 * process for its children instead read a file per thread (the JVM alone has one per
	 * JDK reaper thread, so one per running child) and cost 140 ms of CPU a look with a
	 * thousand trees, against about 45 ms for the table (with stat lines parsed in
	 * place).
	 */
	void look() {
		long self = this.os.currentPid();
		ProcessTable table = ProcessTable.readWithoutCommandLines(this.os);
		Map<ProcessId, List<String>> seen = new HashMap<>();
		Deque<ProcessInfo> queue = new ArrayDeque<>(table.children(self));
		Set<Long> visited = new HashSet<>();
		queue.forEach((child) -> visited.add(child.pid()));
		while (!queue.isEmpty() && seen.size() < WATCH_LIMIT) {
			ProcessInfo parent = queue.poll();
			for (ProcessInfo child : table.children(parent.pid())) {
				if (visited.add(child.pid())) {
					if (child.isAlive()) {
						// the command line only of a process not seen before: reading it
						// waits on the process's memory map (see
						// OperatingSystem#processWithoutCommandLine)
						seen.put(child.id(), commandOf(child));
					}
					queue.add(child);
				}
			}
		}
		// keep what was watched before and still exists (now perhaps a zombie child of
		// the JVM)
		for (Map.Entry<ProcessId, List<String>> entry : this.watched.entrySet()) {
			if (!seen.containsKey(entry.getKey()) && table.get(entry.getKey().pid())
				.filter((info) -> info.startTime() == entry.getKey().startTime())
				.isPresent()) {
				seen.put(entry.getKey(), entry.getValue());
			}
		}
		this.watched = seen;
		Set<Long> pids = new HashSet<>();
		seen.keySet().forEach((id) -> pids.add(id.pid()));
		this.watchedPids = pids;
	}

	private List<String> commandOf(ProcessInfo info) {
		List<String> known = this.watched.get(info.id());
		if (known != null) {
			return known;
		}
		return this.os.process(info.pid())
			.filter((full) -> full.startTime() == info.startTime())
			.map(ProcessInfo::command)
			.orElse(info.command());
	}

	/** Tells whether the last look recorded this pid; safe from any thread. */
	boolean watches(long pid) {
		return this.watchedPids.contains(pid);
	}

	/** Tells whether this process was seen alive with a parent other than the JVM. */
	boolean wasSeenUnderAnotherParent(ProcessId id) {
		return this.watched.containsKey(id);
	}

	/** The command the process had when seen alive, if it was watched. */
	Optional<List<String>> command(ProcessId id) {
		return Optional.ofNullable(this.watched.get(id));
	}

	/** Forgets a process that was reaped. */
	void forget(ProcessId id) {
		this.watched.remove(id);
	}

}
