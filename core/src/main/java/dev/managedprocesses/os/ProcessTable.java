package dev.managedprocesses.os;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One snapshot of the process table with a parent-to-children index, so that describing
 * many process trees reads {@code /proc} once instead of once per process.
 */
public final class ProcessTable {

	private final Map<Long, ProcessInfo> byPid;

	private final Map<Long, List<ProcessInfo>> childrenByParent;

	private ProcessTable(Collection<ProcessInfo> processes) {
		this.byPid = new HashMap<>(processes.size() * 2);
		this.childrenByParent = new HashMap<>();
		for (ProcessInfo each : processes) {
			this.byPid.put(each.pid(), each);
			this.childrenByParent.computeIfAbsent(each.parentPid(), (key) -> new ArrayList<>()).add(each);
		}
	}

	/**
	 * Reads the process table now.
	 * @param os the operating system
	 * @return the snapshot
	 */
	public static ProcessTable read(OperatingSystem os) {
		return new ProcessTable(os.processes());
	}

	/**
	 * Reads the process table now without command lines (each process's command is the
	 * kernel's short name): for loops that need identities, parents and states only.
	 * @param os the operating system
	 * @return the snapshot
	 */
	public static ProcessTable readWithoutCommandLines(OperatingSystem os) {
		return new ProcessTable(os.processesWithoutCommandLines());
	}

	/**
	 * A table of the given processes, for tests and for callers that already hold a
	 * listing.
	 * @param processes the processes
	 * @return the table
	 */
	public static ProcessTable of(Collection<ProcessInfo> processes) {
		return new ProcessTable(processes);
	}

	/**
	 * Every process in the snapshot.
	 * @return the processes
	 */
	public Collection<ProcessInfo> processes() {
		return Collections.unmodifiableCollection(this.byPid.values());
	}

	/**
	 * One process.
	 * @param pid the pid
	 * @return the process, if it was in the table
	 */
	public Optional<ProcessInfo> get(long pid) {
		return Optional.ofNullable(this.byPid.get(pid));
	}

	/**
	 * Tells whether the identified process is in the table, same start time, and not a
	 * zombie.
	 * @param id the identity
	 * @return {@code true} when it is alive
	 */
	public boolean isAlive(ProcessId id) {
		ProcessInfo info = this.byPid.get(id.pid());
		return info != null && info.startTime() == id.startTime() && info.isAlive();
	}

	/**
	 * The direct children of a process, zombies included.
	 * @param pid the parent
	 * @return the children
	 */
	public List<ProcessInfo> children(long pid) {
		return this.childrenByParent.getOrDefault(pid, List.of());
	}

	/**
	 * Every descendant of the given roots, by parent links, zombies included, roots
	 * excluded.
	 * @param roots the pids to start from
	 * @return the descendants, parents before their children
	 */
	public List<ProcessInfo> descendants(Collection<Long> roots) {
		Set<Long> seen = new LinkedHashSet<>(roots);
		Deque<Long> queue = new ArrayDeque<>(roots);
		List<ProcessInfo> result = new ArrayList<>();
		while (!queue.isEmpty()) {
			for (ProcessInfo child : children(queue.poll())) {
				if (seen.add(child.pid())) {
					result.add(child);
					queue.add(child.pid());
				}
			}
		}
		return result;
	}

}
