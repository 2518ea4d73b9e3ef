package dev.managedprocesses.autoconfigure.actuate;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The process tree of this JVM as {@code /actuator/processes} describes it. Every key is
 * always written, with {@code null} where there is no value, so that clients see one
 * shape.
 *
 * @param pid this JVM's pid
 * @param pid1 whether this JVM is PID 1 of its PID namespace
 * @param subreaper whether this JVM is a child subreaper
 * @param platform the operating system layer in use
 * @param zombieDetection whether zombies can be seen here (Linux with /proc); when
 * {@code false}, {@code zombies} is always empty
 * @param limitations what this platform cannot do, and why
 * @param reaper the orphan reaper's status
 * @param live every live child of this JVM, managed or not
 * @param zombies every zombie child of this JVM
 * @param recent recently finished managed processes and reaped orphans, newest first
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProcessesDescriptor(long pid, boolean pid1, boolean subreaper, String platform, boolean zombieDetection,
		List<String> limitations, ReaperDescriptor reaper, List<LiveProcess> live, List<Zombie> zombies,
		List<Finished> recent) implements OperationResponseBody {

	/**
	 * The reaper's status.
	 *
	 * @param mode auto, always or never
	 * @param active whether it sweeps
	 * @param reaped how many orphans it reaped
	 * @param lastSweep when it last swept, or {@code null}
	 * @param sweepInterval the interval between sweeps
	 * @param reason why it is inactive (or why it is not needed), or {@code null}
	 * @param initAbove the init reaping orphans above this JVM (tini, dumb-init, ...), or
	 * {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ReaperDescriptor(String mode, boolean active, long reaped, String lastSweep, String sweepInterval,
			String reason, String initAbove) {
	}

	/**
	 * A live child of this JVM.
	 *
	 * @param pid its pid
	 * @param ppid its parent's pid
	 * @param managed whether a managed process
	 * @param name the managed process's name, or {@code null}
	 * @param service the supervised service this process runs, or {@code null}
	 * @param command its command, sanitized
	 * @param state RUNNING or STOPPING for a managed process, the kernel's state letter
	 * otherwise
	 * @param startedAt when a managed process started, or {@code null}
	 * @param descendants the live descendants of a managed process (empty for others)
	 * @param resources what a managed process uses itself, or {@code null} when unknown
	 * (and for others)
	 * @param treeResources what a managed process and its descendants use together, or
	 * {@code null} when unknown (and for others)
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record LiveProcess(long pid, long ppid, boolean managed, String name, String service, List<String> command,
			String state, String startedAt, List<Descendant> descendants, Resources resources,
			Resources treeResources) {
	}

	/**
	 * What a process (or a tree, summed) uses; each figure {@code null} where the
	 * platform does not tell.
	 *
	 * @param cpuMillis CPU time so far, user plus system, in milliseconds
	 * @param cpuPercent CPU share over the last interval in percent of one core,
	 * {@code null} on the first sight
	 * @param rssBytes resident memory in bytes
	 * @param threads number of threads
	 * @param openFiles number of open file descriptors
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Resources(Long cpuMillis, Double cpuPercent, Long rssBytes, Integer threads, Integer openFiles) {
	}

	/**
	 * A live descendant of a managed process.
	 *
	 * @param pid its pid
	 * @param ppid its parent's pid
	 * @param command its command, sanitized
	 * @param state the kernel's state letter
	 * @param resources what it uses, or {@code null} when unknown
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Descendant(long pid, long ppid, List<String> command, String state, Resources resources) {
	}

	/**
	 * A zombie child of this JVM.
	 *
	 * @param pid its pid
	 * @param ppid its parent's pid (this JVM)
	 * @param command the kernel's short name of its command
	 * @param since when the reaper first saw it, or {@code null} when the reaper does not
	 * know it
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Zombie(long pid, long ppid, List<String> command, String since) {
	}

	/**
	 * A finished managed process or a reaped orphan.
	 *
	 * @param type {@code managed} or {@code orphan}
	 * @param pid its pid
	 * @param name the managed process's name, or {@code null} for an orphan
	 * @param command its command, sanitized
	 * @param outcome EXITED, TIMED_OUT or STOPPED for a managed process; REAPED for an
	 * orphan
	 * @param exitCode the exit code as the JDK reports it (128 + N for signal N)
	 * @param killed whether SIGKILL was needed after the grace period
	 * @param startedAt when it started, or {@code null} for an orphan
	 * @param endedAt when it ended (for an orphan: when it was reaped)
	 * @param duration how long it ran, or {@code null} for an orphan
	 * @param cpuMillis the CPU time it had used when last sampled, or {@code null}
	 * @param peakRssBytes the largest resident size seen, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Finished(String type, long pid, String name, List<String> command, String outcome, int exitCode,
			boolean killed, String startedAt, String endedAt, String duration, Long cpuMillis, Long peakRssBytes) {
	}

	/**
	 * One managed process in detail.
	 *
	 * @param pid its pid
	 * @param name its name
	 * @param service the supervised service this process runs, or {@code null}
	 * @param command its command, sanitized
	 * @param state its state now
	 * @param startedAt when it started
	 * @param descendants its live descendants
	 * @param resources what it uses itself while live, or {@code null}
	 * @param treeResources what it and its descendants use together while live, or
	 * {@code null}
	 * @param result its result, once finished, else {@code null}
	 * @param outputTail the last part of its captured output (masked unless values are
	 * shown)
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Detail(long pid, String name, String service, List<String> command, String state, String startedAt,
			List<Descendant> descendants, Resources resources, Resources treeResources, Finished result,
			String outputTail) implements OperationResponseBody {
	}

	/**
	 * The answer to a stop request.
	 *
	 * @param pid the managed process
	 * @param state its state after the request (STOPPING, or finished)
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record StopResponse(long pid, String state) implements OperationResponseBody {
	}

}
