package dev.managedprocesses;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live managed processes by pid, and a bounded history of recent results (newest first). History keeps
 * only the tail of each result's output, so its memory stays small whatever the capture limit.
 */
final class ProcessRegistry {

	static final int HISTORY_OUTPUT_CHARS = 4096;

	private final ConcurrentHashMap<Long, DefaultManagedProcess> live = new ConcurrentHashMap<>();

	private final Deque<ProcessResult> history = new ArrayDeque<>();

	private final int historySize;

	ProcessRegistry(int historySize) {
		this.historySize = historySize;
	}

	void add(DefaultManagedProcess process) {
		this.live.put(process.pid(), process);
	}

	void finished(DefaultManagedProcess process, ProcessResult result) {
		this.live.remove(process.pid(), process);
		if (this.historySize > 0) {
			ProcessResult kept = result.withOutputTail(HISTORY_OUTPUT_CHARS);
			synchronized (this.history) {
				this.history.addFirst(kept);
				while (this.history.size() > this.historySize) {
					this.history.removeLast();
				}
			}
		}
	}

	Collection<DefaultManagedProcess> live() {
		return this.live.values();
	}

	Optional<DefaultManagedProcess> find(long pid) {
		return Optional.ofNullable(this.live.get(pid));
	}

	boolean contains(long pid) {
		return this.live.containsKey(pid);
	}

	List<ProcessResult> history() {
		synchronized (this.history) {
			return List.copyOf(this.history);
		}
	}

}
