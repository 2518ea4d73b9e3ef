package dev.managedprocesses.autoconfigure.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReapedProcess;
import dev.managedprocesses.reaper.ReaperStatus;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code processes} endpoint: the JVM's child processes (managed or not), its zombie children, the reaper
 * and recent results. Each request reads the process table once. Arguments and output are masked unless
 * {@code management.endpoint.processes.show-values} allows them; environments are never shown.
 */
@Endpoint(id = "processes", defaultAccess = Access.READ_ONLY)
public class ProcessesEndpoint {

	private static final int OUTPUT_TAIL = 4096;

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private final OperatingSystem os;

	private final ArgumentSanitizer sanitizer;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Creates the endpoint.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param os the operating system
	 * @param functions the sanitizing functions applied to arguments and output
	 * @param showValues when to show unmasked values
	 * @param roles the roles for {@link Show#WHEN_AUTHORIZED}
	 */
	public ProcessesEndpoint(ManagedProcessFactory factory, OrphanReaper reaper, OperatingSystem os,
			Iterable<SanitizingFunction> functions, Show showValues, Set<String> roles) {
		this.factory = factory;
		this.reaper = reaper;
		this.os = os;
		this.sanitizer = new ArgumentSanitizer(functions);
		this.showValues = showValues;
		this.roles = Set.copyOf(roles);
	}

	/**
	 * The overview document.
	 * @param securityContext the caller
	 * @return the document
	 */
	@ReadOperation
	public Map<String, Object> processes(SecurityContext securityContext) {
		boolean show = this.showValues.isShown(securityContext, this.roles);
		ProcessTable table = ProcessTable.read(this.os);
		long jvm = this.os.currentPid();
		ReaperStatus status = this.reaper.status();
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("pid", jvm);
		document.put("pid1", status.pidOne());
		document.put("subreaper", status.subreaper());
		document.put("operatingSystem", this.os.description());
		document.put("limitations", this.os.limitations());
		document.put("zombieDetection", zombieDetection());
		document.put("reaper", reaper(status));
		Map<Long, ManagedProcess> managed = new LinkedHashMap<>();
		Map<ManagedProcess, List<ProcessInfo>> trees = this.factory.descendants(table);
		trees.keySet().forEach((process) -> managed.put(process.pid(), process));
		List<Map<String, Object>> live = new ArrayList<>();
		List<Map<String, Object>> zombies = new ArrayList<>();
		for (ProcessInfo child : table.children(jvm)) {
			if (child.isZombie()) {
				if (this.os.canSeeZombies()) {
					Map<String, Object> zombie = new LinkedHashMap<>();
					zombie.put("pid", child.pid());
					zombie.put("command", this.sanitizer.sanitize(child.command(), show));
					zombies.add(zombie);
				}
				continue;
			}
			ManagedProcess process = managed.get(child.pid());
			live.add((process != null) ? managed(process, trees.get(process), show) : unmanaged(child, show));
		}
		document.put("live", live);
		document.put("zombies", zombies);
		document.put("recent", recent(show));
		return document;
	}

	/**
	 * One managed process: live with its tree and output tail, or finished with its result.
	 * @param securityContext the caller
	 * @param pid the pid
	 * @return the process, or {@code null} (404) when no managed process has this pid
	 */
	@ReadOperation
	public Map<String, Object> process(SecurityContext securityContext, @Selector long pid) {
		boolean show = this.showValues.isShown(securityContext, this.roles);
		Optional<ManagedProcess> live = this.factory.find(pid);
		if (live.isPresent()) {
			ManagedProcess process = live.get();
			Map<String, Object> detail = managed(process, process.descendants(), show);
			detail.put("output", this.sanitizer.sanitizeText(process.outputTail(OUTPUT_TAIL), show));
			return detail;
		}
		return this.factory.history()
			.stream()
			.filter((result) -> result.pid() == pid)
			.findFirst()
			.map((result) -> {
				Map<String, Object> detail = result(result, show);
				detail.put("stdout", this.sanitizer.sanitizeText(result.stdout(), show));
				detail.put("stderr", this.sanitizer.sanitizeText(result.stderr(), show));
				return detail;
			})
			.orElse(null);
	}

	/**
	 * Stops a live managed process and its tree gracefully. Never signals a process this application did not
	 * start.
	 * @param pid the pid
	 * @return 200 with the process, or 404 when no live managed process has this pid
	 */
	@DeleteOperation
	public WebEndpointResponse<Map<String, Object>> stop(@Selector long pid) {
		Optional<ManagedProcess> live = this.factory.find(pid);
		if (live.isEmpty()) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		ManagedProcess process = live.get();
		process.stop();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("pid", process.pid());
		body.put("name", process.name());
		body.put("state", process.state().name());
		return new WebEndpointResponse<>(body);
	}

	private Map<String, Object> zombieDetection() {
		Map<String, Object> detection = new LinkedHashMap<>();
		detection.put("available", this.os.canSeeZombies());
		if (!this.os.canSeeZombies()) {
			detection.put("reason", "zombie processes cannot be seen on " + this.os.description());
		}
		return detection;
	}

	private Map<String, Object> reaper(ReaperStatus status) {
		Map<String, Object> reaper = new LinkedHashMap<>();
		reaper.put("mode", status.mode().name().toLowerCase(java.util.Locale.ROOT));
		reaper.put("active", status.active());
		reaper.put("unavailableReason", status.unavailableReason().orElse(null));
		reaper.put("initAbove", status.initAbove().orElse(null));
		reaper.put("reaped", status.reaped());
		reaper.put("lastSweep", status.lastSweep().map(Instant::toString).orElse(null));
		reaper.put("sweepInterval", status.sweepInterval().toString());
		return reaper;
	}

	private Map<String, Object> managed(ManagedProcess process, List<ProcessInfo> tree, boolean show) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("pid", process.pid());
		entry.put("managed", true);
		entry.put("name", process.name());
		entry.put("command", this.sanitizer.sanitize(process.command(), show));
		entry.put("state", process.state().name());
		entry.put("startedAt", process.startedAt().toString());
		entry.put("treeId", process.treeId());
		List<Map<String, Object>> descendants = new ArrayList<>();
		for (ProcessInfo member : (tree != null) ? tree : List.<ProcessInfo>of()) {
			Map<String, Object> descendant = new LinkedHashMap<>();
			descendant.put("pid", member.pid());
			descendant.put("parentPid", member.parentPid());
			descendant.put("command", this.sanitizer.sanitize(member.command(), show));
			descendants.add(descendant);
		}
		entry.put("descendants", descendants);
		return entry;
	}

	private Map<String, Object> unmanaged(ProcessInfo child, boolean show) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("pid", child.pid());
		entry.put("managed", false);
		entry.put("command", this.sanitizer.sanitize(child.command(), show));
		return entry;
	}

	private List<Map<String, Object>> recent(boolean show) {
		List<Map.Entry<Instant, Map<String, Object>>> entries = new ArrayList<>();
		for (ProcessResult result : this.factory.history()) {
			entries.add(Map.entry(result.endedAt(), result(result, show)));
		}
		for (ReapedProcess reaped : this.reaper.history()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("type", "orphan");
			entry.put("pid", reaped.pid());
			entry.put("command", this.sanitizer.sanitize(reaped.command(), show));
			entry.put("exitCode", reaped.status().exitCode());
			entry.put("signal", reaped.status().signal().isPresent() ? reaped.status().signal().getAsInt() : null);
			entry.put("endedAt", reaped.reapedAt().toString());
			entries.add(Map.entry(reaped.reapedAt(), entry));
		}
		entries.sort(Map.Entry.<Instant, Map<String, Object>>comparingByKey(Comparator.reverseOrder()));
		return entries.stream().map(Map.Entry::getValue).toList();
	}

	private Map<String, Object> result(ProcessResult result, boolean show) {
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("type", "managed");
		entry.put("pid", result.pid());
		entry.put("name", result.name());
		entry.put("command", this.sanitizer.sanitize(result.command(), show));
		entry.put("outcome", result.outcome().name());
		entry.put("exitCode", result.exitCode());
		entry.put("killed", result.killed());
		entry.put("success", result.isSuccess());
		entry.put("startedAt", result.startedAt().toString());
		entry.put("endedAt", result.endedAt().toString());
		entry.put("durationMillis", result.duration().toMillis());
		return entry;
	}

}
