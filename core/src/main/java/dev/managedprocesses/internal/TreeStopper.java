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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.PinnedProcess;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;
import dev.managedprocesses.os.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops whole process trees: {@code SIGTERM} to every member, a grace period, then
 * {@code SIGKILL} to every member still alive, until none is.
 * <p>
 * A tree's members are found again at every step:
 * <ul>
 * <li>descendants of the root by parent links;</li>
 * <li>descendants of every member seen earlier that still runs (an intermediate that dies
 * loses its children to the subreaper or init, but we already know them);</li>
 * <li>processes whose environment carries the tree's marker variable: this finds
 * descendants that double-forked before we ever saw them, wherever they were
 * re-parented.</li>
 * </ul>
 * Describing a tree ({@link #members}) and stopping it walk the members with the same
 * algorithm; they differ only in whose marker they read: describing reads it only for the
 * JVM's own children (with the child subreaper on, that is where double-forked
 * descendants end up), stopping reads it for every process, once per process identity.
 * <p>
 * Each member is pinned ({@link OperatingSystem#pin}) when the stop first sees it, and
 * every signal goes through its pin: on Linux 5.3+ a pidfd, so a pid reused later is
 * never hit; elsewhere a start time check before each signal. Pins are closed as soon as
 * their member is gone, and all of them when the stop ends. All stops in progress share
 * one loop on the scheduler: each step reads the process table once (without command
 * lines: only identities, parents and states matter) for every tree being stopped, so 500
 * trees (or a burst of timeouts) cost one read per step, and stopping them all takes one
 * grace period, not 500.
 * <p>
 * The first signal does not wait for the loop: {@link #stopEach} signals the root and its
 * descendants by parent links in the caller's thread (a few system calls per member, no
 * table read), so a tree gets its signal when asked, as with {@link Process#destroy()}.
 * The loop then finds what only the marker reveals, sends {@code SIGKILL} after the
 * grace, and tells when the tree is gone. A step reads each process's marker once per
 * process identity, and not at all for processes already known as members; each tree then
 * finds its marked members with one lookup.
 */
public final class TreeStopper {

	private static final Logger logger = LoggerFactory.getLogger(TreeStopper.class);

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

	/**
	 * After SIGKILL, how long to keep finding and killing members before giving up on a
	 * stuck one.
	 */
	private static final long KILL_PHASE_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final OperatingSystem os;

	private final ScheduledExecutorService scheduler;

	private final String markerVariable;

	private final List<Stop> active = new ArrayList<>();

	private boolean stepScheduled;

	/**
	 * Marker value per process identity; used on the scheduler thread only, cleared when
	 * idle.
	 */
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
	 * @param gracePeriod how long members may take after {@code SIGTERM}; zero kills at
	 * once
	 * @return completes when no member of any of these trees is alive; each tree's
	 * {@link Tree#killed()} tells whether {@code SIGKILL} was needed
	 */
	public CompletableFuture<Void> stop(Collection<Tree> trees, Duration gracePeriod) {
		return stop(trees, (tree) -> gracePeriod);
	}

	/**
	 * Stops trees, each with its own grace period: each tree gets its
	 * {@link Tree#stopSignal() stop signal} first, and {@code SIGKILL} once its grace
	 * period has passed since that signal went out (not since this call: on a busy
	 * machine the first step may come late, and a tree that obeys its stop signal must
	 * not be reported killed for that).
	 * @param trees the trees
	 * @param gracePeriods the grace period of each tree; zero kills at once
	 * @return completes when no member of any of these trees is alive (never dropped: if
	 * the scheduler refuses the work, a thread of its own carries the loop on)
	 */
	public CompletableFuture<Void> stop(Collection<Tree> trees, Function<? super Tree, Duration> gracePeriods) {
		return CompletableFuture.allOf(stopEach(trees, gracePeriods).toArray(CompletableFuture[]::new));
	}

	/**
	 * Stops trees, each with its own grace period, as {@link #stop(Collection, Function)}
	 * does, and tells when each is gone. Stopping many trees in one call (a shutdown)
	 * signals all of them before the loop's first step, which then knows every member it
	 * was told of.
	 * @param trees the trees
	 * @param gracePeriods the grace period of each tree; zero kills at once
	 * @return per tree, in the order given, completes when no member of it is alive
	 */
	public List<CompletableFuture<Void>> stopEach(Collection<Tree> trees,
			Function<? super Tree, Duration> gracePeriods) {
		long now = System.nanoTime();
		List<Stop> stops = new ArrayList<>(trees.size());
		List<CompletableFuture<Void>> done = new ArrayList<>();
		for (Tree tree : trees) {
			Duration grace = gracePeriods.apply(tree);
			Stop stop = new Stop(tree, Require.saturatedNanos(grace), grace.isZero(), now);
			stop.signalKnownMembers();
			stops.add(stop);
			done.add(stop.done);
		}
		boolean schedule = false;
		synchronized (this.active) {
			this.active.addAll(stops);
			if (!this.stepScheduled && !this.active.isEmpty()) {
				this.stepScheduled = true;
				schedule = true;
			}
		}
		if (schedule) {
			schedule(0);
		}
		return done;
	}

	/**
	 * Runs the next step after a delay on the scheduler or, when the scheduler refuses
	 * (it is being shut down), on a short-lived thread of its own: a stop is never
	 * dropped, so every future waiting on it completes.
	 */
	private void schedule(long delayNanos) {
		try {
			if (delayNanos <= 0) {
				this.scheduler.execute(this::step);
			}
			else {
				this.scheduler.schedule(this::step, delayNanos, TimeUnit.NANOSECONDS);
			}
		}
		catch (RejectedExecutionException ex) {
			Thread thread = new Thread(() -> {
				if (delayNanos > 0) {
					LockSupport.parkNanos(delayNanos);
				}
				step();
			}, "managed-processes-stop-loop");
			thread.setDaemon(true);
			thread.start();
		}
	}

	/**
	 * Finds the live members of trees, for describing them (not for stopping). To stay
	 * cheap it reads the marker only of the JVM's own children: with the child subreaper
	 * on, that is where double-forked descendants end up.
	 * @param trees the trees
	 * @param table a snapshot of the process table
	 * @return the live members other than the root, per tree
	 */
	public Map<Tree, List<ProcessInfo>> members(Collection<Tree> trees, ProcessTable table) {
		Set<Long> rootPids = new HashSet<>();
		trees.forEach((tree) -> tree.root().ifPresent((root) -> rootPids.add(root.pid())));
		// the marker of each adopted child once (never of the roots themselves), whatever
		// the number of trees
		List<ProcessInfo> adopted = new ArrayList<>();
		for (ProcessInfo child : table.children(this.os.currentPid())) {
			if (!rootPids.contains(child.pid())) {
				adopted.add(child);
			}
		}
		Map<Long, Optional<String>> markers = new HashMap<>();
		Function<ProcessInfo, Optional<String>> markerOf = (info) -> markers.computeIfAbsent(info.pid(),
				(pid) -> this.os.environmentVariable(pid, this.markerVariable));
		Map<Tree, List<ProcessInfo>> result = new HashMap<>();
		for (Tree tree : trees) {
			long rootPid = tree.root().map(ProcessId::pid).orElse(-1L);
			List<ProcessInfo> marked = new ArrayList<>();
			for (ProcessInfo info : adopted) {
				Optional<String> marker = markerOf.apply(info);
				if (marker.isPresent() && tree.marker.test(marker.get())) {
					marked.add(info);
				}
			}
			result.put(tree,
					walk(tree, table, marked, false).stream().filter((member) -> member.pid() != rootPid).toList());
		}
		return result;
	}

	/**
	 * The live members of a tree in one snapshot: the root and the members seen earlier
	 * that still run, the processes carrying the tree's marker, and every descendant of
	 * all these by parent links.
	 * @param tree the tree
	 * @param table the snapshot
	 * @param marked the processes whose marker the tree recognises
	 * @param remember whether to add the members to the tree's known members (while
	 * stopping: an intermediate that dies then loses its children, but we know them), not
	 * when describing (the set would grow for as long as the tree runs)
	 * @return the live members, root included, parents before their children
	 */
	private List<ProcessInfo> walk(Tree tree, ProcessTable table, Collection<ProcessInfo> marked, boolean remember) {
		Set<Long> roots = new LinkedHashSet<>();
		tree.root().filter(table::isAlive).ifPresent((root) -> roots.add(root.pid()));
		for (ProcessId member : tree.members) {
			if (table.isAlive(member)) {
				roots.add(member.pid());
			}
		}
		long self = this.os.currentPid();
		for (ProcessInfo info : marked) {
			if (info.pid() != self && info.pid() != tree.sparedPid && info.isAlive()) {
				roots.add(info.pid());
			}
		}
		List<ProcessInfo> members = new ArrayList<>();
		for (long pid : roots) {
			table.get(pid).ifPresent(members::add);
		}
		members.addAll(table.descendants(roots));
		List<ProcessInfo> alive = new ArrayList<>(members.size());
		for (ProcessInfo member : members) {
			if (member.isAlive()) {
				if (remember) {
					tree.members.add(member.id());
				}
				alive.add(member);
			}
		}
		return alive;
	}

	/** A process's marker, read once per process identity while stops are in progress. */
	private Optional<String> marker(ProcessInfo info) {
		return this.markers.computeIfAbsent(info.id(),
				(id) -> this.os.environmentVariable(id.pid(), this.markerVariable));
	}

	/**
	 * The live processes of a snapshot by marker value, so that each stop finds its
	 * marked members with one lookup instead of a pass over the whole table: with
	 * hundreds of stops in progress a step stays one pass.
	 */
	private Map<String, List<ProcessInfo>> byMarker(ProcessTable table, List<Stop> stops) {
		// a process already known as a member of a tree being stopped is found by that
		// tree's walk: its environment need not be read (thousands of reads when a
		// shutdown stops thousands of trees)
		Set<ProcessId> known = new HashSet<>();
		for (Stop stop : stops) {
			known.addAll(stop.tree.members);
		}
		Map<String, List<ProcessInfo>> index = new HashMap<>();
		long self = this.os.currentPid();
		for (ProcessInfo info : table.processes()) {
			if (info.pid() != self && info.isAlive() && !known.contains(info.id())) {
				marker(info).ifPresent((value) -> index.computeIfAbsent(value, (key) -> new ArrayList<>()).add(info));
			}
		}
		return index;
	}

	/** The processes of the index whose marker the tree recognises. */
	private static List<ProcessInfo> marked(Tree tree, Map<String, List<ProcessInfo>> byMarker) {
		if (tree.markerValue != null) {
			return byMarker.getOrDefault(tree.markerValue, List.of());
		}
		List<ProcessInfo> marked = new ArrayList<>();
		byMarker.forEach((value, processes) -> {
			if (tree.marker.test(value)) {
				marked.addAll(processes);
			}
		});
		return marked;
	}

	private void step() {
		List<Stop> stops;
		synchronized (this.active) {
			stops = new ArrayList<>(this.active);
		}
		List<Stop> finished = new ArrayList<>();
		long started = System.nanoTime();
		try {
			ProcessTable table = ProcessTable.readWithoutCommandLines(this.os);
			Map<String, List<ProcessInfo>> byMarker = byMarker(table, stops);
			long now = System.nanoTime();
			for (Stop stop : stops) {
				if (stop.advance(table, marked(stop.tree, byMarker), now)) {
					finished.add(stop);
				}
			}
		}
		catch (Throwable ex) {
			logger.warn("Stopping process trees failed", ex);
			finished.addAll(stops);
		}
		finished.forEach(Stop::releasePins);
		long delay = -1;
		synchronized (this.active) {
			this.active.removeAll(finished);
			if (this.active.isEmpty()) {
				this.stepScheduled = false;
				this.markers.clear();
			}
			else {
				// a slow table read (thousands of processes) spaces the steps out: the
				// loop
				// takes at most half a core
				delay = Math.max(POLL_NANOS, System.nanoTime() - started);
			}
		}
		if (delay >= 0) {
			schedule(delay);
		}
		finished.forEach((stop) -> stop.done.complete(null));
	}

	/**
	 * One tree to stop: a root process, and a test for the marker value that its members
	 * carry.
	 */
	public static final class Tree {

		private final ProcessId root;

		private final Predicate<String> marker;

		/** The one marker value of the tree's members, when it is one value. */
		private final String markerValue;

		private final Signal stopSignal;

		private final long sparedPid;

		private final Set<ProcessId> members = ConcurrentHashMap.newKeySet();

		private volatile boolean killed;

		/**
		 * Creates a tree stopped with {@code SIGTERM}.
		 * @param root the root, or {@code null} for a tree known only by its marker
		 * @param marker matches the marker values of members
		 */
		public Tree(ProcessId root, Predicate<String> marker) {
			this(root, marker, Signal.TERM);
		}

		/**
		 * Creates a tree.
		 * @param root the root, or {@code null} for a tree known only by its marker
		 * @param marker matches the marker values of members
		 * @param stopSignal the signal that starts a graceful stop ({@code SIGKILL}
		 * follows after the grace)
		 */
		public Tree(ProcessId root, Predicate<String> marker, Signal stopSignal) {
			this(root, marker, null, stopSignal, -1);
		}

		private Tree(ProcessId root, Predicate<String> marker, String markerValue, Signal stopSignal, long sparedPid) {
			this.root = root;
			this.marker = marker;
			this.markerValue = markerValue;
			this.stopSignal = stopSignal;
			this.sparedPid = sparedPid;
		}

		/**
		 * A tree whose members all carry one marker value: found with one lookup per step
		 * however many trees are being stopped.
		 * @param root the root
		 * @param markerValue the marker value of its members
		 * @param stopSignal the signal that starts a graceful stop
		 * @return the tree
		 */
		public static Tree marked(ProcessId root, String markerValue, Signal stopSignal) {
			return new Tree(root, markerValue::equals, markerValue, stopSignal, -1);
		}

		/**
		 * A tree known only by its marker that never includes one pid (the root of a
		 * process whose leftovers are stopped, while the JDK may still have to reap it):
		 * every live process carrying the marker, other than that pid, and their
		 * descendants.
		 * @param markerValue the marker value of its members
		 * @param stopSignal the signal that starts a graceful stop
		 * @param sparedPid the pid never to include
		 * @return the tree
		 */
		public static Tree leftoversOf(String markerValue, Signal stopSignal, long sparedPid) {
			return new Tree(null, markerValue::equals, markerValue, stopSignal, sparedPid);
		}

		/**
		 * The signal that starts a graceful stop of this tree.
		 * @return the signal, {@code SIGTERM} unless the tree was created with another
		 */
		public Signal stopSignal() {
			return this.stopSignal;
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

		private final long graceNanos;

		/** Set when the stop signal first went out: the grace period runs from there. */
		private boolean graceStarted;

		private long graceDeadline;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private final Set<ProcessId> termed = new HashSet<>();

		/**
		 * A pin per member seen alive, taken at first sight; closed when the member is
		 * gone or the stop ends.
		 */
		private final Map<ProcessId, PinnedProcess> pins = new HashMap<>();

		private boolean killing;

		private long killDeadline;

		Stop(Tree tree, long graceNanos, boolean killAtOnce, long now) {
			this.tree = tree;
			this.graceNanos = graceNanos;
			if (killAtOnce) {
				startKilling(now);
			}
		}

		private void startKilling(long now) {
			this.killing = true;
			this.killDeadline = now + KILL_PHASE_NANOS;
		}

		/** One step; answers whether the tree is gone (or given up on). */
		boolean advance(ProcessTable table, List<ProcessInfo> marked, long now) {
			if (!this.killing && this.graceStarted && now - this.graceDeadline >= 0) {
				startKilling(now);
			}
			List<ProcessInfo> members = walk(this.tree, table, marked, true);
			List<PinnedProcess> alive = pin(members);
			if (alive.isEmpty()) {
				return true;
			}
			if (this.killing) {
				this.tree.killed = true;
				alive.forEach((pin) -> pin.signal(Signal.KILL));
				if (now - this.killDeadline >= 0) {
					List<String> survivors = new ArrayList<>();
					alive.forEach((pin) -> TreeStopper.this.os.process(pin.id().pid())
						.ifPresent((info) -> survivors
							.add(info.pid() + " (" + CommandLines.describe(info.command()) + ")")));
					logger.warn(
							"{} processes survived SIGKILL for {} s (uninterruptible sleep?); giving up on them: {}",
							alive.size(), TimeUnit.NANOSECONDS.toSeconds(KILL_PHASE_NANOS), survivors);
					return true;
				}
				return false;
			}
			spareCleanup(members, alive);
			signalNew(alive);
			return false;
		}

		/**
		 * A member first seen as the child of a member that already had the stop signal
		 * was started during the grace period, by a handler doing its cleanup (a
		 * {@code trap} writing a file, a server flushing): it gets no stop signal of its
		 * own, which would cut that cleanup short, only {@code SIGKILL} with every member
		 * once the grace is over (as systemd treats a unit's stragglers). Members found
		 * by their marker, whose parent is outside the tree, still get the signal.
		 */
		private void spareCleanup(List<ProcessInfo> members, List<PinnedProcess> alive) {
			if (this.termed.isEmpty()) {
				return;
			}
			Set<Long> signalledPids = new HashSet<>();
			Map<ProcessId, Long> parents = new HashMap<>();
			for (ProcessInfo member : members) {
				parents.put(member.id(), member.parentPid());
				if (this.termed.contains(member.id())) {
					signalledPids.add(member.pid());
				}
			}
			for (PinnedProcess pin : alive) {
				Long parent = parents.get(pin.id());
				if (!this.termed.contains(pin.id()) && parent != null && signalledPids.contains(parent)) {
					// counted as signalled: never sent the stop signal, killed with the
					// rest
					this.termed.add(pin.id());
				}
			}
		}

		/**
		 * Sends the stop signal to the members that have not had it yet, and starts the
		 * grace period at the first one.
		 */
		private void signalNew(List<PinnedProcess> alive) {
			boolean signalled = false;
			for (PinnedProcess pin : alive) {
				if (this.termed.add(pin.id())) {
					pin.signal(this.tree.stopSignal);
					signalled = true;
				}
			}
			if (signalled && !this.graceStarted) {
				this.graceStarted = true;
				this.graceDeadline = Require.saturatedAdd(System.nanoTime(), this.graceNanos);
			}
		}

		/**
		 * In the caller's thread, before the loop's first step: signals the root and its
		 * descendants by parent links at once (no table read), so a stop costs its caller
		 * a few system calls and the tree gets its signal when asked, as with
		 * {@link Process#destroy()}. The descendants are recorded before the root's
		 * signal: a root that dies at once leaves its children to the subreaper or init,
		 * and the loop still knows them. Members found only by their marker
		 * (double-forked before) get theirs at the first step.
		 */
		void signalKnownMembers() {
			Optional<ProcessId> root = this.tree.root();
			if (root.isEmpty()) {
				return;
			}
			try {
				PinnedProcess rootPin = TreeStopper.this.os.pin(root.get()).orElse(null);
				if (rootPin == null) {
					return;
				}
				this.pins.put(rootPin.id(), rootPin);
				List<PinnedProcess> known = new ArrayList<>();
				known.add(rootPin);
				for (int i = 0; i < known.size(); i++) {
					for (long child : TreeStopper.this.os.children(known.get(i).id().pid())) {
						TreeStopper.this.os.process(child)
							.filter(ProcessInfo::isAlive)
							.filter((info) -> !this.pins.containsKey(info.id()))
							.flatMap((info) -> TreeStopper.this.os.pin(info.id()))
							.ifPresent((pin) -> {
								this.pins.put(pin.id(), pin);
								known.add(pin);
							});
					}
				}
				known.forEach((pin) -> this.tree.members.add(pin.id()));
				if (this.killing) {
					this.tree.killed = true;
					known.forEach((pin) -> pin.signal(Signal.KILL));
				}
				else {
					signalNew(known);
				}
			}
			catch (RuntimeException ex) {
				// the loop's first step finds and signals the members anyway
				logger.debug("Signalling the known members of a tree at once failed", ex);
			}
		}

		/**
		 * The pins of the live members: members seen for the first time are pinned now,
		 * right after this snapshot showed them (a member that exited meanwhile, or whose
		 * pid was already reused, gets no pin and no signal); pins of members that are
		 * gone are closed.
		 */
		private List<PinnedProcess> pin(List<ProcessInfo> members) {
			Set<ProcessId> seen = new HashSet<>();
			List<PinnedProcess> alive = new ArrayList<>(members.size());
			for (ProcessInfo member : members) {
				ProcessId id = member.id();
				if (!seen.add(id)) {
					continue;
				}
				PinnedProcess pin = this.pins.get(id);
				if (pin == null) {
					pin = TreeStopper.this.os.pin(id).orElse(null);
					if (pin == null) {
						continue;
					}
					this.pins.put(id, pin);
				}
				alive.add(pin);
			}
			this.pins.entrySet().removeIf((entry) -> {
				if (!seen.contains(entry.getKey())) {
					entry.getValue().close();
					return true;
				}
				return false;
			});
			return alive;
		}

		void releasePins() {
			this.pins.values().forEach(PinnedProcess::close);
			this.pins.clear();
		}

	}

}
