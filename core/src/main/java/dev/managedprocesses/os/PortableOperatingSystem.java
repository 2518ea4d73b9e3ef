package dev.managedprocesses.os;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * Any platform without {@code /proc} (macOS, Windows): everything from
 * {@link ProcessHandle}.
 * <p>
 * {@link ProcessHandle} cannot see zombies and offers no way to reap, so those
 * capabilities report themselves unavailable. Start times are epoch milliseconds from
 * {@link ProcessHandle.Info#startInstant()}.
 */
public final class PortableOperatingSystem implements OperatingSystem {

	private static final String NO_PROCFS = "no /proc on " + System.getProperty("os.name")
			+ ": zombie detection, orphan reaping and the child subreaper need Linux";

	@Override
	public String description() {
		return "portable (" + System.getProperty("os.name") + ")";
	}

	@Override
	public long currentPid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public boolean canSeeZombies() {
		return false;
	}

	@Override
	public boolean canReap() {
		return false;
	}

	@Override
	public List<String> limitations() {
		return List.of(NO_PROCFS);
	}

	@Override
	public Optional<ProcessInfo> process(long pid) {
		return ProcessHandle.of(pid).map(PortableOperatingSystem::toInfo);
	}

	@Override
	public Optional<Instant> startInstant(ProcessInfo process) {
		// toInfo writes epoch milliseconds, or 0 when the platform does not tell
		return (process.startTime() > 0) ? Optional.of(Instant.ofEpochMilli(process.startTime())) : Optional.empty();
	}

	@Override
	public boolean findsExecutablesLikePosix() {
		return !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
	}

	@Override
	public List<ProcessInfo> processes() {
		List<ProcessInfo> processes = new ArrayList<>();
		ProcessHandle.allProcesses().forEach((handle) -> processes.add(toInfo(handle)));
		return processes;
	}

	@Override
	public List<Long> children(long pid) {
		return ProcessHandle.of(pid)
			.map((handle) -> handle.children().map(ProcessHandle::pid).toList())
			.orElse(List.of());
	}

	@Override
	public Optional<List<Long>> threadChildren(long pid, long tid) {
		return Optional.empty();
	}

	@Override
	public Optional<String> environmentVariable(long pid, String name) {
		return Optional.empty();
	}

	@Override
	public boolean signal(ProcessId process, Signal signal) {
		return signalWithProcessHandle(process.pid(), signal,
				() -> process(process.pid()).map((info) -> info.startTime() == process.startTime()).orElse(false));
	}

	static boolean signalWithProcessHandle(long pid, Signal signal, BooleanSupplier stillSame) {
		Optional<ProcessHandle> handle = ProcessHandle.of(pid);
		if (handle.isEmpty() || !stillSame.getAsBoolean()) {
			return false;
		}
		return (signal == Signal.KILL) ? handle.get().destroyForcibly() : handle.get().destroy();
	}

	@Override
	public boolean isPidOne() {
		return currentPid() == 1;
	}

	@Override
	public boolean setChildSubreaper(boolean enabled) {
		return false;
	}

	@Override
	public boolean isChildSubreaper() {
		return false;
	}

	@Override
	public OptionalLong anyZombieChild() {
		return OptionalLong.empty();
	}

	@Override
	public boolean isReapable(long pid) {
		return false;
	}

	@Override
	public Optional<ExitStatus> reap(long pid) {
		return Optional.empty();
	}

	private static ProcessInfo toInfo(ProcessHandle handle) {
		ProcessHandle.Info info = handle.info();
		List<String> command = new ArrayList<>();
		info.command().ifPresent(command::add);
		info.arguments().ifPresent((args) -> command.addAll(List.of(args)));
		long startTime = info.startInstant().map(Instant::toEpochMilli).orElse(0L);
		long parent = handle.parent().map(ProcessHandle::pid).orElse(0L);
		long cpuNanos = info.totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
		return new ProcessInfo(handle.pid(), parent, '?', startTime, command, new ProcessUsage(cpuNanos, -1, -1));
	}

}
