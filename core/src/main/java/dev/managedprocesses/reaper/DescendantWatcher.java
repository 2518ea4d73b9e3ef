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
	 */
	void look() {
		long self = this.os.currentPid();
		Map<ProcessId, List<String>> seen = new HashMap<>();
		Deque<Long> queue = new ArrayDeque<>(this.os.children(self));
		Set<Long> visited = new HashSet<>(queue);
		while (!queue.isEmpty() && seen.size() < WATCH_LIMIT) {
			long parent = queue.poll();
			for (long child : this.os.children(parent)) {
				if (visited.add(child)) {
					// the command line only of a process not seen before: reading it
					// waits
					// on the process's memory map (see
					// OperatingSystem#processWithoutCommandLine)
					this.os.processWithoutCommandLine(child)
						.filter(ProcessInfo::isAlive)
						.filter((info) -> info.parentPid() != self)
						.ifPresent((info) -> seen.put(info.id(), commandOf(info)));
					queue.add(child);
				}
			}
		}
		// keep what was watched before and still exists (now perhaps a zombie child of
		// the JVM)
		for (Map.Entry<ProcessId, List<String>> entry : this.watched.entrySet()) {
			if (!seen.containsKey(entry.getKey()) && this.os.processWithoutCommandLine(entry.getKey().pid())
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
