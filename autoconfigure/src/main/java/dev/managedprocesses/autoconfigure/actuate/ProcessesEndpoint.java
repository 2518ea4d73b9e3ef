package dev.managedprocesses.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.ResourceUsage;
import dev.managedprocesses.ProcessSnapshot;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Descendant;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Detail;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Finished;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.LiveProcess;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.ReaperDescriptor;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Resources;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.StopResponse;
import dev.managedprocesses.autoconfigure.actuate.ProcessesDescriptor.Zombie;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReapedProcess;
import dev.managedprocesses.reaper.ReaperStatus;
import dev.managedprocesses.service.ManagedServices;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/processes}: the JVM's process tree right now (live children, managed
 * or not, with the descendants of managed ones; zombie children; recent results and
 * reaped orphans), one managed process in detail, and a graceful tree stop of a managed
 * process. Read-only by default; the stop needs
 * {@code management.endpoint.processes.access=unrestricted}, and never touches a process
 * the starter does not manage.
 * <p>
 * Command lines hold secrets, so arguments after the executable are masked unless
 * {@code management.endpoint.processes.show-values} allows them, as Spring Boot does for
 * the environment.
 * <p>
 * The tree is mapped from one {@link ProcessOverview} (one read of the process table)
 * that concurrent callers share. While the set of managed processes is unchanged, an
 * overview is reused for {@link #STALENESS_BOUND}; after that callers still get it at
 * once while a background thread takes the next one, so descendants, states and resource
 * use may be up to that bound plus the time of one {@code /proc} pass old (never more
 * than five bounds). A managed process that started or finished is always listed at once:
 * callers then wait for a fresh overview, one taken for all of them.
 * <p>
 * Over HTTP, each shared descriptor is also serialized to JSON once, with the actuator's
 * own mapper, and every request gets those same bytes: a document of a thousand trees is
 * about a megabyte, and serializing it per request was most of a request's cost.
 */
@Endpoint(id = "processes", defaultAccess = Access.READ_ONLY)
public class ProcessesEndpoint {

	/** How old a shared overview may be when the managed processes have not changed. */
	public static final Duration STALENESS_BOUND = Duration.ofMillis(1000);

	private static final int OUTPUT_TAIL_CHARS = 4096;

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private final CommandSanitizer sanitizer;

	private final Show showValues;

	private final ManagedServices services;

	private final SharedOverview<Described> shared;

	private final Function<ProcessesDescriptor, byte[]> json;

	/**
	 * Creates the endpoint.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param sanitizingFunctions functions applied to each argument when values are shown
	 * @param showValues when to show argument values
	 */
	public ProcessesEndpoint(ManagedProcessFactory factory, OrphanReaper reaper,
			Iterable<SanitizingFunction> sanitizingFunctions, Show showValues) {
		this(factory, reaper, sanitizingFunctions, showValues, null);
	}

	/**
	 * Creates the endpoint, naming the supervised service of each service's process.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param sanitizingFunctions functions applied to each argument when values are shown
	 * @param showValues when to show argument values
	 * @param services the supervised services, or {@code null} when there are none
	 */
	public ProcessesEndpoint(ManagedProcessFactory factory, OrphanReaper reaper,
			Iterable<SanitizingFunction> sanitizingFunctions, Show showValues, ManagedServices services) {
		this(factory, reaper, sanitizingFunctions, showValues, services, null);
	}

	/**
	 * Creates the endpoint, with the JSON writer of the web layer.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param sanitizingFunctions functions applied to each argument when values are shown
	 * @param showValues when to show argument values
	 * @param services the supervised services, or {@code null} when there are none
	 * @param json writes a descriptor as the web layer would, as UTF-8 JSON, or
	 * {@code null} to leave serializing to the web layer, per request
	 */
	ProcessesEndpoint(ManagedProcessFactory factory, OrphanReaper reaper,
			Iterable<SanitizingFunction> sanitizingFunctions, Show showValues, ManagedServices services,
			Function<ProcessesDescriptor, byte[]> json) {
		this.json = json;
		this.factory = factory;
		this.reaper = reaper;
		this.sanitizer = new CommandSanitizer(sanitizingFunctions);
		this.showValues = showValues;
		this.services = services;
		this.shared = new SharedOverview<>(factory, STALENESS_BOUND,
				(previous) -> (previous != null) ? ProcessOverview.take(factory, reaper, previous)
						: ProcessOverview.take(factory, reaper),
				(overview, previous) -> new Described(overview, previous));
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
	 * @return the state after the request, or {@code null} when no live managed process
	 * has this pid
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

	ProcessesDescriptor describe(boolean showUnsanitized) {
		return this.shared.get().describe(showUnsanitized);
	}

	/**
	 * The whole tree for the web: the shared descriptor's JSON as UTF-8 bytes, serialized
	 * once per overview and written as they are (Spring MVC writes a {@code byte[]} body
	 * verbatim, with its length, for any media type; WebFlux's and Jersey's byte-array
	 * writers also take any media type), or the descriptor itself when there is no JSON
	 * writer.
	 * @param showUnsanitized whether values are shown
	 * @return the response body: a {@code byte[]} or a {@link ProcessesDescriptor}
	 */
	Object describeForWeb(boolean showUnsanitized) {
		Described described = this.shared.get();
		return (this.json != null) ? described.json(showUnsanitized) : described.describe(showUnsanitized);
	}

	private ProcessesDescriptor describe(ProcessOverview overview, List<ProcessResult> history,
			List<ReapedProcess> reaped, boolean showUnsanitized) {
		List<LiveProcess> live = new ArrayList<>();
		for (ProcessOverview.ManagedTree tree : overview.managed()) {
			Optional<ProcessSnapshot> root = tree.root();
			if (root.isPresent() && root.get().isZombie()) {
				// exited, not yet reaped by the JDK: listed among the zombies
				continue;
			}
			ManagedProcess process = tree.process();
			// a managed process the table missed (just started, or no /proc) is still
			// listed
			live.add(new LiveProcess(process.pid(), root.map(ProcessSnapshot::parentPid).orElse(overview.pid()), true,
					process.name(), serviceOf(process.pid()),
					this.sanitizer.sanitize(process.command(), showUnsanitized), process.state().name(),
					process.startedAt().toString(), describe(tree.descendants(), showUnsanitized),
					root.flatMap(ProcessSnapshot::resources).map(ProcessesEndpoint::describe).orElse(null),
					tree.resources().map(ProcessesEndpoint::describe).orElse(null)));
		}
		for (ProcessSnapshot child : overview.otherChildren()) {
			live.add(new LiveProcess(child.pid(), child.parentPid(), false, null, null,
					this.sanitizer.sanitize(child.command(), showUnsanitized), String.valueOf(child.state().code()),
					null, List.of(), null, null));
		}
		live.sort(Comparator.comparingLong(LiveProcess::pid));
		List<Zombie> zombies = overview.zombies()
			.stream()
			.map((zombie) -> new Zombie(zombie.process().pid(), zombie.process().parentPid(),
					this.sanitizer.sanitize(zombie.process().command(), showUnsanitized),
					zombie.since().map(Instant::toString).orElse(null)))
			.toList();
		return new ProcessesDescriptor(overview.pid(), overview.pidOne(), overview.subreaper(), overview.platform(),
				overview.zombieDetection(), overview.limitations(), describe(overview.reaper().orElseThrow()), live,
				zombies, recent(history, reaped, showUnsanitized));
	}

	Detail detail(long pid, boolean showUnsanitized) {
		Optional<ManagedProcess> live = this.factory.find(pid);
		if (live.isPresent()) {
			ManagedProcess process = live.get();
			String tail = this.sanitizer.sanitizeText("output", process.outputTail(OUTPUT_TAIL_CHARS), showUnsanitized);
			// the shared overview lists it (it is fresh for every change of the managed
			// processes)
			Optional<ProcessOverview.ManagedTree> tree = this.shared.get().overview.managed()
				.stream()
				.filter((each) -> each.process().pid() == pid)
				.findFirst();
			List<Descendant> descendants = tree.map((each) -> describe(each.descendants(), showUnsanitized))
				.orElseGet(() -> describe(process.descendants(), showUnsanitized));
			return new Detail(pid, process.name(), serviceOf(pid),
					this.sanitizer.sanitize(process.command(), showUnsanitized), process.state().name(),
					process.startedAt().toString(), descendants,
					tree.flatMap(ProcessOverview.ManagedTree::root)
						.flatMap(ProcessSnapshot::resources)
						.map(ProcessesEndpoint::describe)
						.orElse(null),
					tree.flatMap(ProcessOverview.ManagedTree::resources).map(ProcessesEndpoint::describe).orElse(null),
					null, tail);
		}
		return this.factory.history()
			.stream()
			.filter((result) -> result.pid() == pid)
			.findFirst()
			.map((result) -> new Detail(pid, result.name(), null,
					this.sanitizer.sanitize(result.command(), showUnsanitized), result.outcome().name(),
					result.startedAt().toString(), List.of(), null, null, describe(result, showUnsanitized),
					this.sanitizer.sanitizeText("output", tail(result.stdout() + result.stderr()), showUnsanitized)))
			.orElse(null);
	}

	private String serviceOf(long pid) {
		return (this.services != null) ? this.services.serviceOf(pid).orElse(null) : null;
	}

	private List<Finished> recent(List<ProcessResult> history, List<ReapedProcess> reaped, boolean showUnsanitized) {
		List<TimedFinished> recent = new ArrayList<>(history.size() + reaped.size());
		for (ProcessResult result : history) {
			recent.add(new TimedFinished(result.endedAt(), describe(result, showUnsanitized)));
		}
		for (ReapedProcess orphan : reaped) {
			recent.add(new TimedFinished(orphan.reapedAt(),
					new Finished("orphan", orphan.pid(), null,
							this.sanitizer.sanitize(orphan.command(), showUnsanitized), "REAPED", orphan.exitValue(),
							false, null, orphan.reapedAt().toString(), null, null, null)));
		}
		// by the instant: ISO strings are not chronological within a second (their
		// fraction varies in length)
		recent.sort(Comparator.comparing(TimedFinished::endedAt).reversed());
		return recent.stream().map(TimedFinished::finished).toList();
	}

	private Finished describe(ProcessResult result, boolean showUnsanitized) {
		return new Finished("managed", result.pid(), result.name(),
				this.sanitizer.sanitize(result.command(), showUnsanitized), result.outcome().name(), result.exitCode(),
				result.killed(), result.startedAt().toString(), result.endedAt().toString(),
				result.duration().toString(), result.cpu().map(Duration::toMillis).orElse(null),
				result.peakRssBytes().isPresent() ? result.peakRssBytes().getAsLong() : null);
	}

	private static Resources describe(ResourceUsage usage) {
		return new Resources(usage.cpu().toMillis(),
				usage.cpuPercent().isPresent() ? Math.round(usage.cpuPercent().getAsDouble() * 10) / 10.0 : null,
				usage.rssBytes().isPresent() ? usage.rssBytes().getAsLong() : null,
				usage.threads().isPresent() ? usage.threads().getAsInt() : null,
				usage.openFiles().isPresent() ? usage.openFiles().getAsInt() : null);
	}

	private List<Descendant> describe(List<ProcessSnapshot> processes, boolean showUnsanitized) {
		return processes.stream()
			.map((process) -> new Descendant(process.pid(), process.parentPid(),
					this.sanitizer.sanitize(process.command(), showUnsanitized), String.valueOf(process.state().code()),
					process.resources().map(ProcessesEndpoint::describe).orElse(null)))
			.toList();
	}

	private static ReaperDescriptor describe(ReaperStatus status) {
		return new ReaperDescriptor(status.mode().name().toLowerCase(Locale.ROOT), status.active(), status.reaped(),
				status.lastSweep().map(Instant::toString).orElse(null), status.sweepInterval().toString(),
				status.unavailableReason().orElse(null), status.initAbove().orElse(null));
	}

	private static String tail(String text) {
		return (text.length() <= OUTPUT_TAIL_CHARS) ? text : text.substring(text.length() - OUTPUT_TAIL_CHARS);
	}

	private record TimedFinished(Instant endedAt, Finished finished) {

	}

	/**
	 * One shared overview with the histories read with it, and its two descriptors
	 * (values shown or not), each mapped once, on first use, and serialized once, on
	 * first use over HTTP.
	 */
	private final class Described {

		private final ProcessOverview overview;

		private final List<ProcessResult> history;

		private final List<ReapedProcess> reaped;

		private volatile ProcessesDescriptor shown;

		private volatile ProcessesDescriptor masked;

		private volatile byte[] shownJson;

		private volatile byte[] maskedJson;

		Described(ProcessOverview overview, Described previous) {
			this.overview = overview;
			this.history = ProcessesEndpoint.this.factory.history();
			this.reaped = ProcessesEndpoint.this.reaper.history();
			// map ahead what callers asked for last time: when taken in the background,
			// nobody waits for it
			if (previous != null && previous.shown != null) {
				describe(true);
			}
			if (previous != null && previous.masked != null) {
				describe(false);
			}
			// likewise the JSON: serializing a large tree costs more than mapping it
			if (previous != null && previous.shownJson != null) {
				json(true);
			}
			if (previous != null && previous.maskedJson != null) {
				json(false);
			}
		}

		synchronized ProcessesDescriptor describe(boolean showUnsanitized) {
			if (showUnsanitized) {
				if (this.shown == null) {
					this.shown = ProcessesEndpoint.this.describe(this.overview, this.history, this.reaped, true);
				}
				return this.shown;
			}
			if (this.masked == null) {
				this.masked = ProcessesEndpoint.this.describe(this.overview, this.history, this.reaped, false);
			}
			return this.masked;
		}

		synchronized byte[] json(boolean showUnsanitized) {
			if (showUnsanitized) {
				if (this.shownJson == null) {
					this.shownJson = ProcessesEndpoint.this.json.apply(describe(true));
				}
				return this.shownJson;
			}
			if (this.maskedJson == null) {
				this.maskedJson = ProcessesEndpoint.this.json.apply(describe(false));
			}
			return this.maskedJson;
		}

	}

}
