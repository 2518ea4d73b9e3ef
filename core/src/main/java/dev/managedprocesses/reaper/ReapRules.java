package dev.managedprocesses.reaper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;

/**
 * Decides which zombie children of this JVM may be reaped now: checks 1 to 6 of
 * {@link OrphanReaper} (the reaper itself does the last one, {@code waitid(WNOWAIT)},
 * right before it reaps). Holds the age of every zombie candidate. Used by the reaper
 * thread only, except {@link #zombieSince(long)} and {@link #zombiesSeenAt()}.
 */
final class ReapRules {

	private final OperatingSystem os;

	private final LongPredicate owned;

	private final long minimumAgeNanos;

	private final Function<Collection<Long>, Set<Long>> jdkWaiters;

	private final Predicate<ProcessId> orphanForSure;

	/** Zombie candidates: identity to when first seen as a zombie (nanoTime). */
	private final Map<ProcessId, Long> zombiesSince = new HashMap<>();

	/** When each zombie candidate was first seen, for reports. */
	private final Map<Long, Instant> zombiesSeenAt = new ConcurrentHashMap<>();

	/**
	 * Creates the rules.
	 * @param os the operating system
	 * @param owned pids whose exit status belongs to someone else in this JVM
	 * @param minimumAgeNanos how long a zombie must have been seen before it may be
	 * reaped
	 * @param jdkWaiters which of the given pids a JDK thread waits for, or will
	 * @param orphanForSure processes known to have been orphaned (seen alive under
	 * another parent)
	 */
	ReapRules(OperatingSystem os, LongPredicate owned, long minimumAgeNanos,
			Function<Collection<Long>, Set<Long>> jdkWaiters, Predicate<ProcessId> orphanForSure) {
		this.os = os;
		this.owned = owned;
		this.minimumAgeNanos = minimumAgeNanos;
		this.jdkWaiters = jdkWaiters;
		this.orphanForSure = orphanForSure;
	}

	/**
	 * The zombies that pass checks 1 to 6 now.
	 * @param now the sweep's {@link System#nanoTime()}
	 * @return the zombies to reap
	 */
	List<ProcessInfo> reapable(long now) {
		// 1. any zombie child at all? (one cheap waitid, no /proc)
		if (this.os.anyZombieChild().isEmpty()) {
			this.zombiesSince.clear();
			this.zombiesSeenAt.clear();
			return List.of();
		}
		// 2. children of the leader thread only: orphans are re-parented there
		long self = this.os.currentPid();
		List<Long> children = this.os.threadChildren(self, self).orElseGet(() -> this.os.children(self));
		Set<ProcessId> zombies = new HashSet<>();
		Set<Long> zombiePids = new HashSet<>();
		List<ProcessInfo> candidates = new ArrayList<>();
		for (long pid : children) {
			// stat only: a live child's command line is useless here, and reading it
			// waits on the child's memory map, which stalled whole sweeps while a burst
			// of children exec'd and exited (a zombie's command is its short name anyway)
			Optional<ProcessInfo> info = this.os.processWithoutCommandLine(pid);
			// 3. a zombie; 4. not owned by the factory
			if (info.isEmpty() || !info.get().isZombie() || this.owned.test(pid)) {
				continue;
			}
			zombies.add(info.get().id());
			zombiePids.add(pid);
			if (this.zombiesSince.putIfAbsent(info.get().id(), now) == null) {
				this.zombiesSeenAt.put(pid, Instant.now());
			}
			candidates.add(info.get());
		}
		// a candidate whose start time changed is another process: its age starts again
		this.zombiesSince.keySet().retainAll(zombies);
		this.zombiesSeenAt.keySet().retainAll(zombiePids);
		List<ProcessInfo> ready = new ArrayList<>();
		for (ProcessInfo zombie : candidates) {
			// 6. old enough, or certainly an orphan
			boolean oldEnough = now - this.zombiesSince.get(zombie.id()) >= this.minimumAgeNanos;
			if (oldEnough || this.orphanForSure.test(zombie.id())) {
				ready.add(zombie);
			}
		}
		if (ready.isEmpty()) {
			return ready;
		}
		// 5. no JDK thread waits for it (read last: it is the most expensive check)
		Set<Long> vetoed = this.jdkWaiters.apply(ready.stream().map(ProcessInfo::pid).toList());
		ready.removeIf((zombie) -> vetoed.contains(zombie.pid()));
		return ready;
	}

	/**
	 * The sweep itself stood still far longer than its interval: the whole JVM did (GC,
	 * suspend), the JDK's threads too, so every age starts again.
	 * @param now the sweep's {@link System#nanoTime()}
	 */
	void paused(long now) {
		this.zombiesSince.replaceAll((id, since) -> now);
	}

	/** Forgets a zombie that was reaped (or found reaped by someone else). */
	void forget(ProcessId id) {
		this.zombiesSince.remove(id);
		this.zombiesSeenAt.remove(id.pid());
	}

	/** Every zombie candidate of the last sweep and when it was first seen. */
	Map<Long, Instant> zombiesSeenAt() {
		return Map.copyOf(this.zombiesSeenAt);
	}

	/** When a zombie candidate was first seen, if it is one. */
	Optional<Instant> zombieSince(long pid) {
		return Optional.ofNullable(this.zombiesSeenAt.get(pid));
	}

}
