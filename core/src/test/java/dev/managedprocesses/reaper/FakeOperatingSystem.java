package dev.managedprocesses.reaper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import dev.managedprocesses.os.ExitStatus;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.Signal;

/**
 * A process table in memory, for the reaper's pure rule logic: which zombie may be reaped
 * is decided from what the operating system reports, and these tests choose what it
 * reports.
 */
final class FakeOperatingSystem implements OperatingSystem {

	static final long SELF = 100;

	private final Map<Long, ProcessInfo> processes = new LinkedHashMap<>();

	final List<Long> reaped = new ArrayList<>();

	/** The pids whose command line was asked for ({@link #process(long)}). */
	final List<Long> commandLineReads = new ArrayList<>();

	FakeOperatingSystem() {
		put(new ProcessInfo(SELF, 1, 'S', 1, List.of("java")));
	}

	void put(ProcessInfo info) {
		this.processes.put(info.pid(), info);
	}

	/** A zombie child of the JVM. */
	ProcessInfo zombie(long pid, long startTime) {
		ProcessInfo info = new ProcessInfo(pid, SELF, 'Z', startTime, List.of("sleep"));
		put(info);
		return info;
	}

	@Override
	public String description() {
		return "fake";
	}

	@Override
	public long currentPid() {
		return SELF;
	}

	@Override
	public boolean canSeeZombies() {
		return true;
	}

	@Override
	public boolean canReap() {
		return true;
	}

	@Override
	public List<String> limitations() {
		return List.of();
	}

	@Override
	public Optional<ProcessInfo> process(long pid) {
		this.commandLineReads.add(pid);
		return Optional.ofNullable(this.processes.get(pid));
	}

	@Override
	public Optional<ProcessInfo> processWithoutCommandLine(long pid) {
		return Optional.ofNullable(this.processes.get(pid));
	}

	@Override
	public List<ProcessInfo> processes() {
		return List.copyOf(this.processes.values());
	}

	@Override
	public List<Long> children(long pid) {
		return this.processes.values().stream().filter((p) -> p.parentPid() == pid).map(ProcessInfo::pid).toList();
	}

	@Override
	public Optional<List<Long>> threadChildren(long pid, long tid) {
		return Optional.of(children(pid));
	}

	@Override
	public Optional<String> environmentVariable(long pid, String name) {
		return Optional.empty();
	}

	@Override
	public boolean signal(ProcessId process, Signal signal) {
		return false;
	}

	@Override
	public boolean isPidOne() {
		return false;
	}

	@Override
	public boolean setChildSubreaper(boolean enabled) {
		return true;
	}

	@Override
	public boolean isChildSubreaper() {
		return true;
	}

	@Override
	public OptionalLong anyZombieChild() {
		return this.processes.values()
			.stream()
			.filter((p) -> p.parentPid() == SELF && p.isZombie())
			.mapToLong(ProcessInfo::pid)
			.findFirst();
	}

	@Override
	public boolean isReapable(long pid) {
		ProcessInfo info = this.processes.get(pid);
		return info != null && info.parentPid() == SELF && info.isZombie();
	}

	@Override
	public Optional<ExitStatus> reap(long pid) {
		if (!isReapable(pid)) {
			return Optional.empty();
		}
		this.processes.remove(pid);
		this.reaped.add(pid);
		return Optional.of(ExitStatus.fromWaitStatus(3 << 8));
	}

}
