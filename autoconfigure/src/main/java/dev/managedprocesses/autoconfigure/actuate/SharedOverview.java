package dev.managedprocesses.autoconfigure.actuate;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.ProcessResult;

/**
 * One {@link ProcessOverview} shared by concurrent callers, with what they map from it.
 * <ul>
 * <li>While the factory's managed processes are the same set (same live pids, same newest
 * result), an overview younger than the staleness bound is reused as it is.</li>
 * <li>Once it is older, callers still get it at once while one background thread takes
 * the next overview (so no request waits for a {@code /proc} pass); an overview more than
 * {@link #HARD_LIMIT_FACTOR} bounds old is never answered: callers wait for a fresh
 * one.</li>
 * <li>When a managed process started or finished, callers wait for a fresh overview,
 * single flight: a caller arriving while one is being taken waits for it instead of
 * taking its own. A started or finished managed process is therefore always seen at once;
 * descendants, states and resource use may be up to the bound plus the time of one
 * overview old.</li>
 * </ul>
 *
 * @param <T> what callers map the overview to
 */
final class SharedOverview<T> {

	/**
	 * How many staleness bounds old an overview may get while a background refresh is
	 * under way.
	 */
	static final int HARD_LIMIT_FACTOR = 5;

	private final ManagedProcessFactory factory;

	private final long maxAgeNanos;

	private final Function<ProcessOverview, ProcessOverview> taker;

	private final BiFunction<ProcessOverview, T, T> mapper;

	/**
	 * Volatile so that the common case, a fresh overview of the same managed processes,
	 * is answered without the lock: twenty request threads on two cores queued behind one
	 * another on it, and a holder preempted mid-check stalled them all.
	 */
	private volatile Entry<T> current;

	private volatile boolean refreshing;

	/**
	 * Creates the shared overview.
	 * @param factory the factory, for the fingerprint of its managed processes
	 * @param maxAge the staleness bound
	 * @param taker takes a new overview, given the previous one (or {@code null})
	 * @param mapper maps an overview to what callers want, once per overview, given the
	 * previous value (or {@code null})
	 */
	SharedOverview(ManagedProcessFactory factory, Duration maxAge, Function<ProcessOverview, ProcessOverview> taker,
			BiFunction<ProcessOverview, T, T> mapper) {
		this.factory = factory;
		this.maxAgeNanos = maxAge.toNanos();
		this.taker = taker;
		this.mapper = mapper;
	}

	/**
	 * The shared value: the current one when fresh enough, else a new one.
	 * @return the value
	 */
	T get() {
		// read outside the lock: the fingerprint copies and sorts the live pids
		long[] fingerprint = fingerprint();
		ProcessResult newest = newestResult();
		Entry<T> seen = this.current;
		if (seen != null && seen.sameManaged(fingerprint, newest)) {
			long age = System.nanoTime() - seen.takenAt;
			if (age < this.maxAgeNanos || (this.refreshing && age < this.maxAgeNanos * HARD_LIMIT_FACTOR)) {
				return seen.value;
			}
		}
		return get(fingerprint, newest);
	}

	private synchronized T get(long[] fingerprint, ProcessResult newest) {
		Entry<T> entry = this.current;
		if (entry != null && entry.sameManaged(fingerprint, newest)) {
			long age = System.nanoTime() - entry.takenAt;
			if (age < this.maxAgeNanos) {
				return entry.value;
			}
			if (age < this.maxAgeNanos * HARD_LIMIT_FACTOR) {
				refreshInBackground(entry);
				return entry.value;
			}
			if (this.refreshing) {
				// past the hard limit while a refresh is under way (a slow /proc pass on
				// a loaded machine): wait for that one rather than take a second one
				// beside it, which would only slow both
				return awaitRefresh(entry);
			}
		}
		Entry<T> fresh = take(entry, fingerprint, newest);
		this.current = fresh;
		return fresh.value;
	}

	private T awaitRefresh(Entry<T> stale) {
		boolean interrupted = false;
		while (this.refreshing && this.current == stale) {
			try {
				wait();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return (this.current != stale) ? this.current.value : get();
	}

	private void refreshInBackground(Entry<T> entry) {
		if (this.refreshing) {
			return;
		}
		this.refreshing = true;
		// a short-lived thread, once per staleness bound at most: nothing to shut down,
		// nothing user-supplied runs
		Thread refresh = new Thread(() -> {
			try {
				long[] fingerprint = fingerprint();
				ProcessResult newest = newestResult();
				Entry<T> fresh = take(entry, fingerprint, newest);
				synchronized (this) {
					if (this.current == entry) {
						this.current = fresh;
					}
				}
			}
			finally {
				synchronized (this) {
					this.refreshing = false;
					notifyAll();
				}
			}
		}, "managed-processes-overview");
		refresh.setDaemon(true);
		refresh.start();
	}

	private Entry<T> take(Entry<T> previous, long[] fingerprint, ProcessResult newest) {
		ProcessOverview overview = this.taker.apply((previous != null) ? previous.overview : null);
		T value = this.mapper.apply(overview, (previous != null) ? previous.value : null);
		return new Entry<>(System.nanoTime(), fingerprint, newest, overview, value);
	}

	private long[] fingerprint() {
		List<ManagedProcess> live = this.factory.processes();
		long[] pids = new long[live.size()];
		for (int i = 0; i < pids.length; i++) {
			pids[i] = live.get(i).pid();
		}
		Arrays.sort(pids);
		return pids;
	}

	private ProcessResult newestResult() {
		List<ProcessResult> history = this.factory.history();
		return history.isEmpty() ? null : history.get(0);
	}

	private record Entry<T>(long takenAt, long[] fingerprint, ProcessResult newest, ProcessOverview overview, T value) {

		boolean sameManaged(long[] fingerprint, ProcessResult newest) {
			return Arrays.equals(this.fingerprint, fingerprint) && this.newest == newest;
		}

	}

}
