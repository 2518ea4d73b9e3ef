package dev.managedprocesses;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.managedprocesses.internal.TreeStopper;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessUsage;
import dev.managedprocesses.os.ProcessTable;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperStatus;

/**
 * One snapshot of this JVM's process world: the managed trees with their live
 * descendants, the JVM's other live children, its zombie children with their age, the
 * reaper's status and what the platform can see. Immutable;
 * {@link #take(ManagedProcessFactory, OrphanReaper)} reads the process table once (one
 * pass over {@code /proc} on Linux), however many trees there are, without command lines;
 * it reads the command line only of what it describes (descendants and other children; a
 * managed root is described with the command it was started with).
 * <p>
 * The actuator endpoint, the health indicator and the metrics all describe this one
 * snapshot. Health checks and gauges, which need no descendants, use
 * {@link #takeWithoutDescendants(ManagedProcessFactory, OrphanReaper)}, which reads only
 * the JVM's direct children.
 *
 * <pre class="code">
 * ProcessOverview overview = ProcessOverview.take(factory, reaper);
 * overview.managed().forEach((tree) -&gt; System.out.println(tree.process().pid() + " " + tree.descendants()));
 * </pre>
 */
public final class ProcessOverview {

	private final Instant takenAt;

	private final long pid;

	private final boolean pidOne;

	private final boolean subreaper;

	private final String platform;

	private final boolean zombieDetection;

	private final List<String> limitations;

	private final boolean descendantsIncluded;

	private final List<ManagedTree> managed;

	private final List<ProcessSnapshot> otherChildren;

	private final List<Zombie> zombies;

	private final ReaperStatus reaper;

	/**
	 * CPU time of every member by identity, and when it was read: the start of the next
	 * interval.
	 */
	private final CpuSamples cpuSamples;

	/**
	 * The samples CPU shares were computed against (the previous overview's, or an older
	 * one's).
	 */
	private final CpuSamples baseline;

	private ProcessOverview(Instant takenAt, OperatingSystem os, boolean descendantsIncluded, List<ManagedTree> managed,
			List<ProcessSnapshot> otherChildren, List<Zombie> zombies, ReaperStatus reaper, CpuSamples cpuSamples,
			CpuSamples baseline) {
		this.cpuSamples = cpuSamples;
		this.baseline = baseline;
		this.takenAt = takenAt;
		this.pid = os.currentPid();
		this.pidOne = os.isPidOne();
		this.subreaper = os.isChildSubreaper();
		this.platform = os.description();
		this.zombieDetection = os.canSeeZombies();
		this.limitations = List.copyOf(os.limitations());
		this.descendantsIncluded = descendantsIncluded;
		this.managed = List.copyOf(managed);
		this.otherChildren = List.copyOf(otherChildren);
		this.zombies = List.copyOf(zombies);
		this.reaper = reaper;
	}

	/**
	 * Takes an overview with the descendants of every managed tree, reading the process
	 * table once.
	 * @param factory the factory whose managed processes to describe
	 * @param reaper the orphan reaper, for its status and the age of zombies
	 * @return the overview
	 */
	public static ProcessOverview take(ManagedProcessFactory factory, OrphanReaper reaper) {
		return take(factory, Objects.requireNonNull(reaper, "reaper must not be null"), true, null);
	}

	/**
	 * Takes an overview with the descendants of every managed tree, and with each
	 * process's CPU share over the interval since a previous overview
	 * ({@link ResourceUsage#cpuPercent()}). When the previous overview is younger than
	 * {@link #MIN_CPU_INTERVAL}, the shares are computed against the one it used, so that
	 * the clock-tick resolution of CPU times does not make them jump.
	 * @param factory the factory whose managed processes to describe
	 * @param reaper the orphan reaper, for its status and the age of zombies
	 * @param previous the overview taken before, of the same factory
	 * @return the overview
	 */
	public static ProcessOverview take(ManagedProcessFactory factory, OrphanReaper reaper, ProcessOverview previous) {
		Objects.requireNonNull(previous, "previous must not be null");
		return take(factory, Objects.requireNonNull(reaper, "reaper must not be null"), true, previous);
	}

	/**
	 * Takes an overview without a reaper: {@link #reaper()} is empty and zombies have no
	 * age.
	 * @param factory the factory whose managed processes to describe
	 * @return the overview
	 */
	public static ProcessOverview take(ManagedProcessFactory factory) {
		return take(factory, null, true, null);
	}

	/**
	 * Takes a lighter overview: the JVM's direct children only (each read on its own, not
	 * the whole process table), and managed trees without descendants and without
	 * {@link ProcessSnapshot#resources()}. Cheap enough for health checks and metric
	 * gauges.
	 * @param factory the factory whose managed processes to describe
	 * @param reaper the orphan reaper, for its status and the age of zombies
	 * @return the overview, with {@link #descendantsIncluded()} {@code false}
	 */
	public static ProcessOverview takeWithoutDescendants(ManagedProcessFactory factory, OrphanReaper reaper) {
		return take(factory, Objects.requireNonNull(reaper, "reaper must not be null"), false, null);
	}

	private static ProcessOverview take(ManagedProcessFactory factory, OrphanReaper reaper, boolean withDescendants,
			ProcessOverview previous) {
		Objects.requireNonNull(factory, "factory must not be null");
		OperatingSystem os = factory.operatingSystem();
		long self = os.currentPid();
		// the table first, then the registry: a process started in between is listed
		// without a root snapshot
		// rather than as an unmanaged child
		// without command lines: reading one waits on the process's memory map and costs
		// a
		// file per process; only what is described gets its command line below
		ProcessTable table = withDescendants ? ProcessTable.readWithoutCommandLines(os) : null;
		List<ProcessInfo> children = (table != null) ? table.children(self)
				: os.children(self).stream().flatMap((child) -> os.process(child).stream()).toList();
		Instant takenAt = Instant.now();
		List<DefaultManagedProcess> live = factory.liveProcesses();
		Map<TreeStopper.Tree, List<ProcessInfo>> members = (table != null)
				? factory.treeStopper().members(live.stream().map(DefaultManagedProcess::tree).toList(), table)
				: Map.of();
		Set<Long> managedPids = new HashSet<>();
		live.forEach((process) -> managedPids.add(process.pid()));
		Map<Long, ProcessInfo> childByPid = new HashMap<>();
		List<ProcessSnapshot> others = new ArrayList<>();
		List<Zombie> zombies = new ArrayList<>();
		for (ProcessInfo child : children) {
			childByPid.put(child.pid(), child);
			if (child.isZombie()) {
				Optional<Instant> since = (reaper != null) ? reaper.zombieSince(child.pid()) : Optional.empty();
				zombies.add(new Zombie(ProcessSnapshot.of(child, os), since));
			}
			else if (!managedPids.contains(child.pid())) {
				others.add(ProcessSnapshot.of(withCommandLine(child, os, table), os));
			}
		}
		long readAt = System.nanoTime();
		CpuSamples baseline = (previous == null) ? null
				: (readAt - previous.cpuSamples.readAt >= MIN_CPU_INTERVAL.toNanos()) ? previous.cpuSamples
						: previous.baseline;
		CpuSamples samples = new CpuSamples(readAt);
		List<ManagedTree> managed = new ArrayList<>();
		for (DefaultManagedProcess process : live) {
			ProcessInfo rootInfo = childByPid.get(process.pid());
			// the light overview (health, gauges) skips resources: they cost a descriptor
			// listing per process
			// a managed root is described with the command it was started with: no
			// command line to read
			Optional<ProcessSnapshot> root = Optional.ofNullable(rootInfo)
				.map((info) -> ProcessSnapshot.of(
						(table != null && !info.isZombie()) ? withCommand(info, process.command()) : info, os,
						withDescendants ? usage(info, os, baseline, samples) : null));
			if (rootInfo != null && rootInfo.isAlive()) {
				process.resourceSamples.record(rootInfo.usage().cpuNanos(), os.peakResidentBytes(rootInfo.pid()));
			}
			List<ProcessSnapshot> descendants = (table == null) ? List.of()
					: members.getOrDefault(process.tree(), List.of())
						.stream()
						.map((info) -> ProcessSnapshot.of(withCommandLine(info, os, table), os,
								usage(info, os, baseline, samples)))
						.toList();
			managed.add(new ManagedTree(process, root, descendants));
		}
		managed.sort(Comparator.comparingLong((tree) -> tree.process().pid()));
		others.sort(Comparator.comparingLong(ProcessSnapshot::pid));
		zombies.sort(Comparator.comparingLong((zombie) -> zombie.process().pid()));
		return new ProcessOverview(takenAt, os, withDescendants, managed, others, zombies,
				(reaper != null) ? reaper.status() : null, samples, baseline);
	}

	/**
	 * A process of the table (listed without command lines) with its command line, read
	 * now; a zombie, or a process whose command line is gone, keeps the kernel's short
	 * name.
	 */
	private static ProcessInfo withCommandLine(ProcessInfo info, OperatingSystem os, ProcessTable table) {
		if (table == null || info.isZombie()) {
			return info;
		}
		return os.commandLine(info.pid())
			.filter((command) -> !command.isEmpty())
			.map((command) -> withCommand(info, command))
			.orElse(info);
	}

	private static ProcessInfo withCommand(ProcessInfo info, List<String> command) {
		return new ProcessInfo(info.pid(), info.parentPid(), info.state(), info.startTime(), command, info.usage());
	}

	/**
	 * The resource use of one member of a managed tree, from the stat line already read
	 * and one listing of its descriptors; the CPU share against the baseline when it saw
	 * the same process.
	 */
	private static ResourceUsage usage(ProcessInfo info, OperatingSystem os, CpuSamples baseline, CpuSamples samples) {
		ProcessUsage usage = info.usage();
		if (!info.isAlive() || usage.cpuNanos() < 0) {
			return null;
		}
		ProcessId id = info.id();
		samples.cpuNanos.put(id, usage.cpuNanos());
		double percent = Double.NaN;
		Long before = (baseline != null) ? baseline.cpuNanos.get(id) : null;
		if (before != null && samples.readAt > baseline.readAt) {
			percent = Math.max(0, usage.cpuNanos() - before) * 100.0 / (samples.readAt - baseline.readAt);
		}
		return new ResourceUsage(Duration.ofNanos(usage.cpuNanos()), percent, usage.rssBytes(), usage.threads(),
				os.openFiles(info.pid()).orElse(-1));
	}

	/**
	 * How long an interval must be at least for CPU shares computed over it: CPU times
	 * come in clock ticks of 10 ms on Linux, so over shorter intervals a share would jump
	 * by whole ticks.
	 */
	public static final Duration MIN_CPU_INTERVAL = Duration.ofMillis(200);

	/**
	 * When the process table was read.
	 * @return the instant
	 */
	public Instant takenAt() {
		return this.takenAt;
	}

	/**
	 * This JVM's pid, as seen in its own PID namespace.
	 * @return the pid
	 */
	public long pid() {
		return this.pid;
	}

	/**
	 * Tells whether this JVM is PID 1 of its PID namespace.
	 * @return {@code true} when it is
	 */
	public boolean pidOne() {
		return this.pidOne;
	}

	/**
	 * Tells whether this JVM is a child subreaper.
	 * @return {@code true} when it is
	 */
	public boolean subreaper() {
		return this.subreaper;
	}

	/**
	 * The operating system layer in use, e.g. {@code linux (procfs, native)}.
	 * @return the description
	 */
	public String platform() {
		return this.platform;
	}

	/**
	 * Tells whether zombies can be seen here (Linux with {@code /proc}); when not,
	 * {@link #zombies()} is always empty.
	 * @return {@code true} when zombies are visible
	 */
	public boolean zombieDetection() {
		return this.zombieDetection;
	}

	/**
	 * What this platform cannot do, and why; empty when nothing is missing.
	 * @return the limitations
	 */
	public List<String> limitations() {
		return this.limitations;
	}

	/**
	 * Tells whether the managed trees carry their descendants (false for
	 * {@link #takeWithoutDescendants(ManagedProcessFactory, OrphanReaper)}).
	 * @return {@code true} when descendants were looked up
	 */
	public boolean descendantsIncluded() {
		return this.descendantsIncluded;
	}

	/**
	 * Every live managed process with its tree, by pid.
	 * @return the managed trees
	 */
	public List<ManagedTree> managed() {
		return this.managed;
	}

	/**
	 * The JVM's other live children (not started by the factory), by pid.
	 * @return the unmanaged children
	 */
	public List<ProcessSnapshot> otherChildren() {
		return this.otherChildren;
	}

	/**
	 * The JVM's zombie children (exited, not yet reaped; managed or not), by pid.
	 * @return the zombies
	 */
	public List<Zombie> zombies() {
		return this.zombies;
	}

	/**
	 * The reaper's status when the overview was taken.
	 * @return the status, or empty when the overview was taken without a reaper
	 */
	public Optional<ReaperStatus> reaper() {
		return Optional.ofNullable(this.reaper);
	}

	/**
	 * A live managed process and its live descendants.
	 */
	public static final class ManagedTree {

		private final ManagedProcess process;

		private final ProcessSnapshot root;

		private final List<ProcessSnapshot> descendants;

		ManagedTree(ManagedProcess process, Optional<ProcessSnapshot> root, List<ProcessSnapshot> descendants) {
			this.process = process;
			this.root = root.orElse(null);
			this.descendants = List.copyOf(descendants);
		}

		/**
		 * The managed process.
		 * @return the process
		 */
		public ManagedProcess process() {
			return this.process;
		}

		/**
		 * The managed process as the process table showed it (with the command it was
		 * started with).
		 * @return its snapshot, or empty when the table missed it (started after the
		 * table was read, or not visible on this platform)
		 */
		public Optional<ProcessSnapshot> root() {
			return Optional.ofNullable(this.root);
		}

		/**
		 * Its live descendants: children, grandchildren and orphans of the tree that came
		 * back to this JVM.
		 * @return the descendants, parents before children; empty when descendants were
		 * not looked up
		 */
		public List<ProcessSnapshot> descendants() {
			return this.descendants;
		}

		/**
		 * What the whole tree used, the sum of {@link ProcessSnapshot#resources()} over
		 * the root and its descendants (each figure summed over the members that tell
		 * it).
		 * @return the sums, or empty when no member's usage is known
		 */
		public Optional<ResourceUsage> resources() {
			List<ResourceUsage> usages = new ArrayList<>(this.descendants.size() + 1);
			if (this.root != null) {
				this.root.resources().ifPresent(usages::add);
			}
			this.descendants.forEach((descendant) -> descendant.resources().ifPresent(usages::add));
			return usages.isEmpty() ? Optional.empty() : Optional.of(ResourceUsage.sum(usages));
		}

	}

	/** CPU times by process identity, read at one moment. */
	private static final class CpuSamples {

		private final long readAt;

		private final Map<ProcessId, Long> cpuNanos = new HashMap<>();

		CpuSamples(long readAt) {
			this.readAt = readAt;
		}

	}

	/**
	 * A zombie child of this JVM and how long it has been one.
	 */
	public static final class Zombie {

		private final ProcessSnapshot process;

		private final Instant since;

		Zombie(ProcessSnapshot process, Optional<Instant> since) {
			this.process = process;
			this.since = since.orElse(null);
		}

		/**
		 * The zombie as the process table showed it; its command is the kernel's short
		 * name.
		 * @return the snapshot
		 */
		public ProcessSnapshot process() {
			return this.process;
		}

		/**
		 * When the reaper first saw it.
		 * @return the instant, or empty when the reaper does not know it (inactive, the
		 * process is managed, or no reaper was given)
		 */
		public Optional<Instant> since() {
			return Optional.ofNullable(this.since);
		}

	}

}
