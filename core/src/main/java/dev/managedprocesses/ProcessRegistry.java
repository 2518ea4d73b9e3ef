package dev.managedprocesses;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.managedprocesses.internal.BoundedHistory;

/**
 * The live managed processes by pid, and a bounded history of recent results (newest
 * first). History keeps only the tail of each result's output, so its memory stays small
 * whatever the capture limit.
 */
final class ProcessRegistry {

	static final int HISTORY_OUTPUT_CHARS = 4096;

	private final ConcurrentHashMap<Long, DefaultManagedProcess> live = new ConcurrentHashMap<>();

	/** The same bounded history the reaper keeps of reaped orphans. */
	private final BoundedHistory<ProcessResult> history;

	ProcessRegistry(int historySize) {
		this.history = new BoundedHistory<>(historySize);
	}

	void add(DefaultManagedProcess process) {
		this.live.put(process.pid(), process);
	}

	void finished(DefaultManagedProcess process, ProcessResult result) {
		this.live.remove(process.pid(), process);
		if (this.history.capacity() > 0) {
			this.history.add(result.withOutputTail(HISTORY_OUTPUT_CHARS));
		}
	}

	Collection<DefaultManagedProcess> live() {
		return this.live.values();
	}

	int liveCount() {
		return this.live.size();
	}

	Optional<DefaultManagedProcess> find(long pid) {
		return Optional.ofNullable(this.live.get(pid));
	}

	boolean contains(long pid) {
		return this.live.containsKey(pid);
	}

	List<ProcessResult> history() {
		return this.history.list();
	}

}
