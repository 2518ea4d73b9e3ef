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
 * A tree's members are found again at every step, from one read of the process table for all trees:
 * <ul>
 * <li>descendants of the root by parent links;</li>
 * <li>descendants of every member seen earlier in this stop that still runs (an intermediate that dies
 * loses its children to the subreaper or init, but we already know them);</li>
 * <li>processes whose environment carries the tree's marker variable: this finds descendants that
 * double-forked before we ever saw them, wherever they were re-parented.</li>
 * </ul>
 * Every signal goes through {@link OperatingSystem#signal}, which checks the start time so a reused pid is
 * never hit. Many trees are stopped together in one loop, so stopping 500 trees takes one grace period, not
 * 500. Steps run on the shared scheduler and never block it for long.
 */
public final class TreeStopper {

	private static final Logger logger = LoggerFactory.getLogger(TreeStopper.class);

	private static final long POLL_MILLIS = 25;

	/** After SIGKILL, how long to keep finding and killing members before giving up on a stuck one. */
	private static final long KILL_PHASE_MILLIS = 10_000;

	private final OperatingSystem os;

	private final ScheduledExecutorService scheduler;

	private final String markerVariable;

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
	 * @return completes when no member of any tree is alive; each tree's {@link Tree#killed()} tells whether
	 * {@code SIGKILL} was needed
	 */
	public CompletableFuture<Void> stop(Collection<Tree> trees, Duration gracePeriod) {
		Run run = new Run(new ArrayList<>(trees), System.nanoTime() + gracePeriod.toNanos(), gracePeriod.isZero());
		this.scheduler.execute(run::step);
		return run.done;
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
		Run run = new Run(List.of(), 0, false);
		Map<ProcessId, Optional<String>> markers = new HashMap<>();
		long self = this.os.currentPid();
		Map<Tree, List<ProcessInfo>> result = new HashMap<>();
		for (Tree tree : trees) {
			long rootPid = tree.root().map(ProcessId::pid).orElse(-1L);
			result.put(tree, run.collect(tree, table, markers, (info) -> info.parentPid() == self)
				.stream()
				.filter((info) -> info.pid() != rootPid && info.isAlive())
				.toList());
		}
		return result;
	}

	/**
	 * One tree to stop: a root process, and a test for the marker value that its members carry.
	 */
	public static final class Tree {

		private final ProcessId root;

		private final Predicate<String> marker;

		private final Set<ProcessId> members = java.util.concurrent.ConcurrentHashMap.newKeySet();

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

	private final class Run {

		private final List<Tree> trees;

		private final long graceDeadline;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		/** Marker value per process identity, read once per stop. */
		private final Map<ProcessId, Optional<String>> markers = new HashMap<>();

		private final Set<ProcessId> termed = new HashSet<>();

		private boolean killing;

		private long killDeadline;

		Run(List<Tree> trees, long graceDeadline, boolean killAtOnce) {
			this.trees = trees;
			this.graceDeadline = graceDeadline;
			this.killing = killAtOnce;
			if (killAtOnce) {
				this.killDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_PHASE_MILLIS);
				trees.forEach((tree) -> tree.killed = true);
			}
		}

		void step() {
			try {
				if (stepOnce()) {
					this.done.complete(null);
				}
				else {
					TreeStopper.this.scheduler.schedule(this::step, POLL_MILLIS, TimeUnit.MILLISECONDS);
				}
			}
			catch (Throwable ex) {
				logger.warn("Stopping process trees failed", ex);
				this.done.complete(null);
			}
		}

		/** One pass; answers whether every tree is gone. */
		private boolean stepOnce() {
			long now = System.nanoTime();
			if (!this.killing && now - this.graceDeadline >= 0) {
				this.killing = true;
				this.killDeadline = now + TimeUnit.MILLISECONDS.toNanos(KILL_PHASE_MILLIS);
			}
			ProcessTable table = ProcessTable.read(TreeStopper.this.os);
			boolean anyAlive = false;
			for (Tree tree : this.trees) {
				List<ProcessInfo> alive = collect(tree, table, this.markers, (info) -> true).stream().filter(ProcessInfo::isAlive).toList();
				if (alive.isEmpty()) {
					continue;
				}
				anyAlive = true;
				if (this.killing) {
					tree.killed = true;
					alive.forEach((info) -> TreeStopper.this.os.signal(info.id(), Signal.KILL));
				}
				else {
					for (ProcessInfo info : alive) {
						if (this.termed.add(info.id())) {
							TreeStopper.this.os.signal(info.id(), Signal.TERM);
						}
					}
				}
			}
			if (anyAlive && this.killing && now - this.killDeadline >= 0) {
				logger.warn("Some processes survived SIGKILL for {} ms (uninterruptible sleep?); giving up on them",
						KILL_PHASE_MILLIS);
				return true;
			}
			return !anyAlive;
		}

		/** Members of a tree in this snapshot: by parent links from root and known members, and by marker. */
		List<ProcessInfo> collect(Tree tree, ProcessTable table, Map<ProcessId, Optional<String>> markers,
				Predicate<ProcessInfo> markerCandidate) {
			Set<Long> roots = new LinkedHashSet<>();
			tree.root().filter(table::isAlive).ifPresent((root) -> roots.add(root.pid()));
			for (ProcessId member : tree.members) {
				if (table.isAlive(member)) {
					roots.add(member.pid());
				}
			}
			long self = TreeStopper.this.os.currentPid();
			for (ProcessInfo info : table.processes()) {
				if (info.pid() != self && info.isAlive() && markerCandidate.test(info) && !roots.contains(info.pid())) {
					Optional<String> marker = markers.computeIfAbsent(info.id(),
							(id) -> TreeStopper.this.os.environmentVariable(id.pid(), TreeStopper.this.markerVariable));
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

	}

}
