package dev.managedprocesses.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;
import dev.managedprocesses.os.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops whole process trees: {@code SIGTERM} to every member, a grace period, then {@code SIGKILL} to every
 * member still alive, until none is.
 * <p>
 * A tree's members are found again at every step:
 * <ul>
 * <li>descendants of the root by parent links;</li>
 * <li>descendants of every member seen earlier that still runs (an intermediate that dies loses its
 * children to the subreaper or init, but we already know them);</li>
 * <li>processes whose environment carries the tree's marker variable: this finds descendants that
 * double-forked before we ever saw them, wherever they were re-parented.</li>
 * </ul>
 * Every signal goes through {@link OperatingSystem#signal}, which checks the start time so a reused pid is
 * never hit. All stops in progress share one loop on the scheduler: each step reads the process table once
 * for every tree being stopped, so 500 trees (or a burst of timeouts) cost one read per step, and stopping
 * them all takes one grace period, not 500.
 */
public final class TreeStopper {

	private static final Logger logger = LoggerFactory.getLogger(TreeStopper.class);

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

	/** After SIGKILL, how long to keep finding and killing members before giving up on a stuck one. */
	private static final long KILL_PHASE_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final OperatingSystem os;

	private final ScheduledExecutorService scheduler;

	private final String markerVariable;

	private final List<Stop> active = new ArrayList<>();

	private boolean stepScheduled;

	/** Marker value per process identity; used on the scheduler thread only, cleared when idle. */
	private final Map<ProcessId, Optional<String>> markers = new HashMap<>();

	/**
	 * Creates a stopper.
	 * @param os the operating system
	 * @param scheduler where steps run
	 * @param markerVariable the environment variable that marks tree membership
	 */
	public TreeStopper(OperatingSystem os, ScheduledExecutorService scheduler, String markerVariable) {
		this.os = os;
		this.scheduler = scheduler;
		this.markerVariable = markerVariable;
	}

	/**
	 * Stops trees.
	 * @param trees the trees
	 * @param gracePeriod how long members may take after {@code SIGTERM}; zero kills at once
	 * @return completes when no member of any of these trees is alive; each tree's {@link Tree#killed()}
	 * tells whether {@code SIGKILL} was needed
	 */
	public CompletableFuture<Void> stop(Collection<Tree> trees, Duration gracePeriod) {
		long now = System.nanoTime();
		List<CompletableFuture<Void>> done = new ArrayList<>();
		synchronized (this.active) {
			for (Tree tree : trees) {
				Stop stop = new Stop(tree, now + gracePeriod.toNanos(), gracePeriod.isZero(), now);
				this.active.add(stop);
				done.add(stop.done);
			}
			if (!this.stepScheduled) {
				this.stepScheduled = true;
				this.scheduler.execute(this::step);
			}
		}
		return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
	}

	/**
	 * Finds the live members of trees, for describing them (not for stopping). To stay cheap it reads the
	 * marker only of the JVM's own children: with the child subreaper on, that is where double-forked
	 * descendants end up.
	 * @param trees the trees
	 * @param table a snapshot of the process table
	 * @return the live members other than the root, per tree
	 */
	public Map<Tree, List<ProcessInfo>> members(Collection<Tree> trees, ProcessTable table) {
		long self = this.os.currentPid();
		Set<Long> rootPids = new HashSet<>();
		trees.forEach((tree) -> tree.root().ifPresent((root) -> rootPids.add(root.pid())));
		// read the marker once per adopted child (never of the roots themselves), grouped by its value
		Map<String, List<Long>> adoptedByMarker = new HashMap<>();
		for (ProcessInfo child : table.children(self)) {
			if (child.isAlive() && !rootPids.contains(child.pid())) {
				this.os.environmentVariable(child.pid(), this.markerVariable)
					.ifPresent((marker) -> adoptedByMarker.computeIfAbsent(marker, (key) -> new ArrayList<>()).add(child.pid()));
			}
		}
		Map<Tree, List<ProcessInfo>> result = new HashMap<>();
		for (Tree tree : trees) {
			Set<Long> roots = new LinkedHashSet<>();
			tree.root().filter(table::isAlive).ifPresent((root) -> roots.add(root.pid()));
			for (ProcessId member : tree.members) {
				if (table.isAlive(member)) {
					roots.add(member.pid());
				}
			}
			adoptedByMarker.forEach((marker, pids) -> {
				if (tree.marker.test(marker)) {
					roots.addAll(pids);
				}
			});
			long rootPid = tree.root().map(ProcessId::pid).orElse(-1L);
			List<ProcessInfo> members = new ArrayList<>();
			for (long pid : roots) {
				if (pid != rootPid) {
					table.get(pid).ifPresent(members::add);
				}
			}
			members.addAll(table.descendants(roots));
			result.put(tree, members.stream().filter(ProcessInfo::isAlive).toList());
		}
		return result;
	}

	private void step() {
		List<Stop> stops;
		synchronized (this.active) {
			stops = new ArrayList<>(this.active);
		}
		List<Stop> finished = new ArrayList<>();
		long started = System.nanoTime();
		try {
			// states only: a step needs parent links, states and start times, never command lines
			ProcessTable table = ProcessTable.readStates(this.os);
			long now = System.nanoTime();
			for (Stop stop : stops) {
				if (stop.advance(table, now)) {
					finished.add(stop);
				}
			}
		}
		catch (Throwable ex) {
			logger.warn("Stopping process trees failed", ex);
			finished.addAll(stops);
		}
		synchronized (this.active) {
			this.active.removeAll(finished);
			if (this.active.isEmpty()) {
				this.stepScheduled = false;
				this.markers.clear();
			}
			else {
				// a slow table read (thousands of processes) spaces the steps out instead of hogging a core
				long delay = Math.max(POLL_NANOS, 2 * (System.nanoTime() - started));
				this.scheduler.schedule(this::step, delay, TimeUnit.NANOSECONDS);
			}
		}
		finished.forEach((stop) -> stop.done.complete(null));
	}

	/** Members of a tree in this snapshot: by parent links from root and known members, and by marker. */
	private List<ProcessInfo> collect(Tree tree, ProcessTable table, Map<ProcessId, Optional<String>> markerCache,
			Predicate<ProcessInfo> markerCandidate) {
		Set<Long> roots = new LinkedHashSet<>();
		tree.root().filter(table::isAlive).ifPresent((root) -> roots.add(root.pid()));
		for (ProcessId member : tree.members) {
			if (table.isAlive(member)) {
				roots.add(member.pid());
			}
		}
		long self = this.os.currentPid();
		for (ProcessInfo info : table.processes()) {
			if (info.pid() != self && info.isAlive() && markerCandidate.test(info) && !roots.contains(info.pid())) {
				Optional<String> marker = markerCache.computeIfAbsent(info.id(),
						(id) -> this.os.environmentVariable(id.pid(), this.markerVariable));
				if (marker.isPresent() && tree.marker.test(marker.get())) {
					roots.add(info.pid());
				}
			}
		}
		List<ProcessInfo> members = new ArrayList<>();
		for (long pid : roots) {
			table.get(pid).ifPresent(members::add);
		}
		members.addAll(table.descendants(roots));
		for (ProcessInfo member : members) {
			tree.members.add(member.id());
		}
		return members;
	}

	/**
	 * One tree to stop: a root process, and a test for the marker value that its members carry.
	 */
	public static final class Tree {

		private final ProcessId root;

		private final Predicate<String> marker;

		private final Set<ProcessId> members = ConcurrentHashMap.newKeySet();

		private volatile boolean killed;

		/**
		 * Creates a tree.
		 * @param root the root, or {@code null} for a tree known only by its marker
		 * @param marker matches the marker values of members
		 */
		public Tree(ProcessId root, Predicate<String> marker) {
			this.root = root;
			this.marker = marker;
		}

		Optional<ProcessId> root() {
			return Optional.ofNullable(this.root);
		}

		/**
		 * Tells whether any member needed {@code SIGKILL}.
		 * @return {@code true} when the grace period was not enough
		 */
		public boolean killed() {
			return this.killed;
		}

	}

	/** One request to stop one tree, advanced by the shared loop. */
	private final class Stop {

		private final Tree tree;

		private final long graceDeadline;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private final Set<ProcessId> termed = new HashSet<>();

		private boolean killing;

		private long killDeadline;

		Stop(Tree tree, long graceDeadline, boolean killAtOnce, long now) {
			this.tree = tree;
			this.graceDeadline = graceDeadline;
			if (killAtOnce) {
				startKilling(now);
			}
		}

		private void startKilling(long now) {
			this.killing = true;
			this.killDeadline = now + KILL_PHASE_NANOS;
		}

		/** One step; answers whether the tree is gone (or given up on). */
		boolean advance(ProcessTable table, long now) {
			if (!this.killing && now - this.graceDeadline >= 0) {
				startKilling(now);
			}
			List<ProcessInfo> alive = collect(this.tree, table, TreeStopper.this.markers, (info) -> true).stream()
				.filter(ProcessInfo::isAlive)
				.toList();
			if (alive.isEmpty()) {
				return true;
			}
			if (this.killing) {
				this.tree.killed = true;
				alive.forEach((info) -> TreeStopper.this.os.signal(info.id(), Signal.KILL));
				if (now - this.killDeadline >= 0) {
					logger.warn("{} processes survived SIGKILL for {} s (uninterruptible sleep?); giving up on them: {}",
							alive.size(), TimeUnit.NANOSECONDS.toSeconds(KILL_PHASE_NANOS), alive);
					return true;
				}
				return false;
			}
			for (ProcessInfo info : alive) {
				if (this.termed.add(info.id())) {
					TreeStopper.this.os.signal(info.id(), Signal.TERM);
				}
			}
			return false;
		}

	}

}
