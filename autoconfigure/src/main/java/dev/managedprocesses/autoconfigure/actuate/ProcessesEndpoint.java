package dev.managedprocesses.autoconfigure.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.ProcessSnapshot;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Descendant;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Detail;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Finished;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.LiveProcess;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.ReaperDescriptor;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.StopResponse;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Zombie;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReapedProcess;
import dev.managedprocesses.reaper.ReaperStatus;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/processes}: the JVM's process tree right now (live children, managed or not, with the
 * descendants of managed ones; zombie children; recent results and reaped orphans), one managed process in
 * detail, and a graceful tree stop of a managed process. Read-only by default; the stop needs
 * {@code management.endpoint.processes.access=unrestricted}, and never touches a process the starter does not
 * manage.
 * <p>
 * Command lines hold secrets, so arguments after the executable are masked unless
 * {@code management.endpoint.processes.show-values} allows them, as Spring Boot does for the environment.
 * Every request takes one {@link ProcessOverview} (one read of the process table) and maps it to JSON.
 */
@Endpoint(id = "processes", defaultAccess = Access.READ_ONLY)
public class ProcessesEndpoint {

	private static final int OUTPUT_TAIL_CHARS = 4096;

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private final CommandSanitizer sanitizer;

	private final Show showValues;

	/**
	 * Creates the endpoint.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param sanitizingFunctions functions applied to each argument when values are shown
	 * @param showValues when to show argument values
	 */
	public ProcessesEndpoint(ManagedProcessFactory factory, OrphanReaper reaper,
			Iterable<SanitizingFunction> sanitizingFunctions, Show showValues) {
		this.factory = factory;
		this.reaper = reaper;
		this.sanitizer = new CommandSanitizer(sanitizingFunctions);
		this.showValues = showValues;
	}

	/**
	 * The whole tree (values shown as for an authorized caller, as for JMX).
	 * @return the descriptor
	 */
	@ReadOperation
	public ProcessesDescriptor processes() {
		return describe(this.showValues.isShown(true));
	}

	/**
	 * One managed process, live or recently finished.
	 * @param pid the pid
	 * @return the detail, or {@code null} when no managed process has this pid
	 */
	@ReadOperation
	public Detail process(@Selector long pid) {
		return detail(pid, this.showValues.isShown(true));
	}

	/**
	 * Stops a managed process gracefully, whole tree.
	 * @param pid the pid
	 * @return the state after the request, or {@code null} when no live managed process has this pid
	 */
	@DeleteOperation
	public StopResponse stop(@Selector long pid) {
		Optional<ManagedProcess> process = this.factory.find(pid);
		if (process.isEmpty()) {
			return null;
		}
		process.get().stop();
		return new StopResponse(pid, process.get().state().name());
	}

	/**
	 * Describes the tree.
	 * @param showUnsanitized whether argument values may be shown
	 * @return the descriptor
	 */
	public ProcessesDescriptor describe(boolean showUnsanitized) {
		ProcessOverview overview = ProcessOverview.take(this.factory, this.reaper);
		List<LiveProcess> live = new ArrayList<>();
		for (ProcessOverview.ManagedTree tree : overview.managed()) {
			Optional<ProcessSnapshot> root = tree.root();
			if (root.isPresent() && root.get().isZombie()) {
				// exited, not yet reaped by the JDK: listed among the zombies
				continue;
			}
			ManagedProcess process = tree.process();
			// a managed process the table missed (just started, or no /proc) is still listed
			live.add(new LiveProcess(process.pid(), root.map(ProcessSnapshot::parentPid).orElse(overview.pid()), true,
					process.name(), this.sanitizer.sanitize(process.command(), showUnsanitized), process.state().name(),
					process.startedAt().toString(), describe(tree.descendants(), showUnsanitized)));
		}
		for (ProcessSnapshot child : overview.otherChildren()) {
			live.add(new LiveProcess(child.pid(), child.parentPid(), false, null,
					this.sanitizer.sanitize(child.command(), showUnsanitized), String.valueOf(child.state().code()),
					null, List.of()));
		}
		live.sort(Comparator.comparingLong(LiveProcess::pid));
		List<Zombie> zombies = overview.zombies()
			.stream()
			.map((zombie) -> new Zombie(zombie.process().pid(), zombie.process().parentPid(),
					zombie.process().command(), zombie.since().map(Instant::toString).orElse(null)))
			.toList();
		return new ProcessesDescriptor(overview.pid(), overview.pidOne(), overview.subreaper(), overview.platform(),
				overview.zombieDetection(), overview.limitations(), describe(overview.reaper().orElseThrow()), live,
				zombies, recent(showUnsanitized));
	}

	/**
	 * Describes one managed process.
	 * @param pid the pid
	 * @param showUnsanitized whether argument values and output may be shown
	 * @return the detail, or {@code null} when no managed process has this pid
	 */
	public Detail detail(long pid, boolean showUnsanitized) {
		Optional<ManagedProcess> live = this.factory.find(pid);
		if (live.isPresent()) {
			ManagedProcess process = live.get();
			String tail = this.sanitizer.sanitizeText("output", process.outputTail(OUTPUT_TAIL_CHARS), showUnsanitized);
			return new Detail(pid, process.name(), this.sanitizer.sanitize(process.command(), showUnsanitized),
					process.state().name(), process.startedAt().toString(),
					describe(process.descendants(), showUnsanitized), null, tail);
		}
		return this.factory.history()
			.stream()
			.filter((result) -> result.pid() == pid)
			.findFirst()
			.map((result) -> new Detail(pid, result.name(), this.sanitizer.sanitize(result.command(), showUnsanitized),
					result.outcome().name(), result.startedAt().toString(), List.of(),
					describe(result, showUnsanitized), this.sanitizer.sanitizeText("output",
							tail(result.stdout() + result.stderr()), showUnsanitized)))
			.orElse(null);
	}

	private List<Finished> recent(boolean showUnsanitized) {
		List<Finished> recent = new ArrayList<>();
		for (ProcessResult result : this.factory.history()) {
			recent.add(describe(result, showUnsanitized));
		}
		for (ReapedProcess orphan : this.reaper.history()) {
			recent.add(new Finished("orphan", orphan.pid(), null, this.sanitizer.sanitize(orphan.command(), showUnsanitized),
					"REAPED", orphan.exitValue(), false, null, orphan.reapedAt().toString(), null));
		}
		recent.sort(Comparator.comparing(Finished::endedAt).reversed());
		return recent;
	}

	private Finished describe(ProcessResult result, boolean showUnsanitized) {
		return new Finished("managed", result.pid(), result.name(),
				this.sanitizer.sanitize(result.command(), showUnsanitized), result.outcome().name(), result.exitCode(),
				result.killed(), result.startedAt().toString(), result.endedAt().toString(),
				result.duration().toString());
	}

	private List<Descendant> describe(List<ProcessSnapshot> processes, boolean showUnsanitized) {
		return processes.stream()
			.map((process) -> new Descendant(process.pid(), process.parentPid(),
					this.sanitizer.sanitize(process.command(), showUnsanitized), String.valueOf(process.state().code())))
			.toList();
	}

	private static ReaperDescriptor describe(ReaperStatus status) {
		return new ReaperDescriptor(status.mode().name().toLowerCase(Locale.ROOT), status.active(),
				status.reaped(), status.lastSweep().map(Instant::toString).orElse(null),
				status.sweepInterval().toString(), status.unavailableReason().orElse(null),
				status.initAbove().orElse(null));
	}

	private static String tail(String text) {
		return (text.length() <= OUTPUT_TAIL_CHARS) ? text : text.substring(text.length() - OUTPUT_TAIL_CHARS);
	}

}
