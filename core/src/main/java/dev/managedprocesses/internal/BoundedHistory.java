package dev.managedprocesses.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The most recent entries of something, newest first, at most a fixed number of them;
 * older entries fall off as new ones come. A size of zero keeps nothing. Safe for
 * concurrent use: {@link #add} and {@link #list()} may be called from any thread.
 *
 * @param <T> the entry type
 */
public final class BoundedHistory<T> {

	private final int size;

	private final Deque<T> entries = new ArrayDeque<>();

	/**
	 * Creates a history.
	 * @param size how many entries to keep, zero or more
	 */
	public BoundedHistory(int size) {
		this.size = Require.notNegative(size, "size");
	}

	/**
	 * Adds an entry as the newest, dropping the oldest when full.
	 * @param entry the entry, not {@code null}
	 */
	public void add(T entry) {
		if (entry == null) {
			throw new NullPointerException("entry must not be null");
		}
		if (this.size == 0) {
			return;
		}
		synchronized (this.entries) {
			this.entries.addFirst(entry);
			if (this.entries.size() > this.size) {
				this.entries.removeLast();
			}
		}
	}

	/**
	 * The entries, newest first.
	 * @return an immutable copy
	 */
	public List<T> list() {
		synchronized (this.entries) {
			return List.copyOf(this.entries);
		}
	}

	/**
	 * How many entries this history keeps at most.
	 * @return the bound
	 */
	public int capacity() {
		return this.size;
	}

}
