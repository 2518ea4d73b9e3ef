package dev.managedprocesses.autoconfigure.actuate;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.ProcessResult;

/**
 * One {@link ProcessOverview} shared by concurrent callers, with what they map from it. Single flight: a caller
 * arriving while an overview is being taken waits for it instead of taking its own. An overview is reused while
 * it is younger than the staleness bound and the factory's managed processes are the same set (same live pids,
 * same newest result): a started or finished managed process is always seen at once; descendants, states and
 * resource use may be up to the bound old.
 *
 * @param <T> what callers map the overview to
 */
final class SharedOverview<T> {

	private final ManagedProcessFactory factory;

	private final long maxAgeNanos;

	private final Function<ProcessOverview, ProcessOverview> taker;

	private final Function<ProcessOverview, T> mapper;

	private Entry<T> current;

	/**
	 * Creates the shared overview.
	 * @param factory the factory, for the fingerprint of its managed processes
	 * @param maxAge the staleness bound
	 * @param taker takes a new overview, given the previous one (or {@code null})
	 * @param mapper maps an overview to what callers want, once per overview
	 */
	SharedOverview(ManagedProcessFactory factory, Duration maxAge, Function<ProcessOverview, ProcessOverview> taker,
			Function<ProcessOverview, T> mapper) {
		this.factory = factory;
		this.maxAgeNanos = maxAge.toNanos();
		this.taker = taker;
		this.mapper = mapper;
	}

	/**
	 * The shared value: the current one when fresh enough, else a new one.
	 * @return the value
	 */
	synchronized T get() {
		long now = System.nanoTime();
		long[] fingerprint = fingerprint();
		Entry<T> entry = this.current;
		if (entry != null && now - entry.takenAt < this.maxAgeNanos && Arrays.equals(entry.fingerprint, fingerprint)
				&& entry.newest == newestResult()) {
			return entry.value;
		}
		ProcessResult newest = newestResult();
		ProcessOverview overview = this.taker.apply((entry != null) ? entry.overview : null);
		Entry<T> fresh = new Entry<>(System.nanoTime(), fingerprint, newest, overview, this.mapper.apply(overview));
		this.current = fresh;
		return fresh.value;
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

	}

}
