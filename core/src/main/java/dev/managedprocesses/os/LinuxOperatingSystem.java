package dev.managedprocesses.os;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Linux: processes from {@code /proc}, signals, waits and {@code prctl} through JNA.
 * <p>
 * Without JNA (or when libc cannot be loaded) process listing still works, signals fall
 * back to {@link ProcessHandle}, and the reaping calls answer empty with the reason in
 * {@link #limitations()}.
 */
public final class LinuxOperatingSystem implements OperatingSystem {

	private final ProcFs procFs;

	private final LinuxNative nativeCalls;

	/**
	 * The clock ticks per second of the start times in {@code /proc/PID/stat}: the kernel
	 * always exports them in {@code USER_HZ}, which is 100 on every Linux architecture
	 * the JDK runs on.
	 */
	private static final long TICKS_PER_SECOND = 100;

	private final long pid = ProcessHandle.current().pid();

	/**
	 * The boot time in epoch seconds ({@code btime} of {@code /proc/stat}), read on first
	 * use; -1 unknown.
	 */
	private volatile long bootTime = Long.MIN_VALUE;

	LinuxOperatingSystem(LinuxNative nativeCalls) {
		this(new ProcFs("/proc"), nativeCalls);
	}

	LinuxOperatingSystem(ProcFs procFs, LinuxNative nativeCalls) {
		this.procFs = procFs;
		this.nativeCalls = nativeCalls;
	}

	@Override
	public String description() {
		return this.nativeCalls.available() ? "linux (procfs, native)" : "linux (procfs only)";
	}

	@Override
	public long currentPid() {
		return this.pid;
	}

	@Override
	public boolean canSeeZombies() {
		return true;
	}

	@Override
	public boolean canReap() {
		return this.nativeCalls.available();
	}

	@Override
	public List<String> limitations() {
		return this.nativeCalls.failure().map(List::of).orElse(List.of());
	}

	@Override
	public Optional<ProcessInfo> process(long pid) {
		return this.procFs.process(pid);
	}

	@Override
	public Optional<ProcessInfo> processWithoutCommandLine(long pid) {
		return this.procFs.process(pid, false);
	}

	@Override
	public Optional<List<String>> commandLine(long pid) {
		return this.procFs.commandLine(pid);
	}

	@Override
	public Optional<Instant> startInstant(ProcessInfo process) {
		long boot = bootTime();
		if (boot < 0 || process.startTime() < 0) {
			return Optional.empty();
		}
		long ticks = process.startTime();
		return Optional.of(Instant.ofEpochSecond(boot + ticks / TICKS_PER_SECOND,
				(ticks % TICKS_PER_SECOND) * (1_000_000_000L / TICKS_PER_SECOND)));
	}

	private long bootTime() {
		long boot = this.bootTime;
		if (boot == Long.MIN_VALUE) {
			boot = this.procFs.read("stat")
				.map((bytes) -> new String(bytes, StandardCharsets.US_ASCII))
				.flatMap((text) -> text.lines().filter((line) -> line.startsWith("btime ")).findFirst())
				.map((line) -> {
					try {
						return Long.parseLong(line.substring(6).trim());
					}
					catch (NumberFormatException ex) {
						return -1L;
					}
				})
				.orElse(-1L);
			this.bootTime = boot;
		}
		return boot;
	}

	@Override
	public List<ProcessInfo> processes() {
		return processes(true);
	}

	@Override
	public List<ProcessInfo> processesWithoutCommandLines() {
		return processes(false);
	}

	private List<ProcessInfo> processes(boolean withCommandLines) {
		long[] pids = this.procFs.pids();
		List<ProcessInfo> processes = new ArrayList<>(pids.length);
		for (long each : pids) {
			this.procFs.process(each, withCommandLines).ifPresent(processes::add);
		}
		return processes;
	}

	@Override
	public OptionalInt openFiles(long pid) {
		int count = this.procFs.openFiles(pid);
		return (count >= 0) ? OptionalInt.of(count) : OptionalInt.empty();
	}

	@Override
	public OptionalLong peakResidentBytes(long pid) {
		long peak = this.procFs.peakResidentBytes(pid);
		return (peak >= 0) ? OptionalLong.of(peak) : OptionalLong.empty();
	}

	@Override
	public List<Long> children(long pid) {
		Set<Long> children = new LinkedHashSet<>();
		for (long tid : this.procFs.tasks(pid)) {
			Optional<List<Long>> ofThread = this.procFs.threadChildren(pid, tid);
			if (ofThread.isEmpty()) {
				return childrenByScan(pid);
			}
			children.addAll(ofThread.get());
		}
		return new ArrayList<>(children);
	}

	private List<Long> childrenByScan(long pid) {
		List<Long> children = new ArrayList<>();
		for (ProcessInfo each : processes()) {
			if (each.parentPid() == pid) {
				children.add(each.pid());
			}
		}
		return children;
	}

	@Override
	public Optional<List<Long>> threadChildren(long pid, long tid) {
		return this.procFs.threadChildren(pid, tid);
	}

	@Override
	public Optional<String> environmentVariable(long pid, String name) {
		return this.procFs.environmentVariable(pid, name);
	}

	@Override
	public boolean signal(ProcessId process, Signal signal) {
		if (!this.nativeCalls.available()) {
			return PortableOperatingSystem.signalWithProcessHandle(process.pid(), signal, () -> isSameProcess(process));
		}
		return this.nativeCalls.signal(process.pid(), signal.number(), () -> isSameProcess(process));
	}

	/**
	 * Pins with a pidfd where the kernel allows it: {@code pidfd_open} first, then the
	 * start time check, so the descriptor certainly refers to the process seen.
	 * {@code ESRCH} means gone; any other error makes this and every later pin check the
	 * start time before each signal instead (logged once).
	 */
	@Override
	public Optional<PinnedProcess> pin(ProcessId process) {
		if (!this.nativeCalls.available()) {
			return OperatingSystem.super.pin(process);
		}
		int pidfd = this.nativeCalls.pidfdOpen(process.pid());
		if (pidfd == LinuxNative.GONE) {
			return Optional.empty();
		}
		if (pidfd == LinuxNative.NO_PIDFD) {
			return isSameProcess(process) ? Optional.of(new StartTimeCheckedPin(process)) : Optional.empty();
		}
		if (!isSameProcess(process)) {
			this.nativeCalls.close(pidfd);
			return Optional.empty();
		}
		return Optional.of(new PidfdPin(process, pidfd));
	}

	/** A pin that holds a pidfd: signals reach the pinned process or nothing. */
	private final class PidfdPin implements PinnedProcess {

		private final ProcessId id;

		private int pidfd;

		PidfdPin(ProcessId id, int pidfd) {
			this.id = id;
			this.pidfd = pidfd;
		}

		@Override
		public ProcessId id() {
			return this.id;
		}

		@Override
		public synchronized boolean signal(Signal signal) {
			return this.pidfd >= 0
					&& LinuxOperatingSystem.this.nativeCalls.pidfdSendSignal(this.pidfd, signal.number());
		}

		@Override
		public synchronized void close() {
			if (this.pidfd >= 0) {
				LinuxOperatingSystem.this.nativeCalls.close(this.pidfd);
				this.pidfd = -1;
			}
		}

		@Override
		public String toString() {
			return "pidfd " + this.pidfd + " for " + this.id;
		}

	}

	/**
	 * Where pidfds cannot be used: each signal checks the start time, then
	 * {@code kill(2)}.
	 */
	private final class StartTimeCheckedPin implements PinnedProcess {

		private final ProcessId id;

		StartTimeCheckedPin(ProcessId id) {
			this.id = id;
		}

		@Override
		public ProcessId id() {
			return this.id;
		}

		@Override
		public boolean signal(Signal signal) {
			return LinuxOperatingSystem.this.nativeCalls.signalWithKill(this.id.pid(), signal.number(),
					() -> isSameProcess(this.id));
		}

		@Override
		public void close() {
		}

	}

	private boolean isSameProcess(ProcessId process) {
		return this.procFs.process(process.pid(), false)
			.map((info) -> info.startTime() == process.startTime() && info.isAlive())
			.orElse(false);
	}

	@Override
	public boolean isPidOne() {
		return this.procFs.namespacePid().orElse(this.pid) == 1;
	}

	@Override
	public boolean setChildSubreaper(boolean enabled) {
		return this.nativeCalls.available() && this.nativeCalls.setChildSubreaper(enabled);
	}

	@Override
	public boolean isChildSubreaper() {
		return this.nativeCalls.available() && this.nativeCalls.isChildSubreaper();
	}

	@Override
	public OptionalLong anyZombieChild() {
		if (!this.nativeCalls.available()) {
			return OptionalLong.empty();
		}
		long found = this.nativeCalls.peekExited(LinuxNative.P_ALL, 0);
		return (found > 0) ? OptionalLong.of(found) : OptionalLong.empty();
	}

	@Override
	public boolean isReapable(long pid) {
		return this.nativeCalls.available() && this.nativeCalls.peekExited(LinuxNative.P_PID, pid) == pid;
	}

	@Override
	public Optional<ExitStatus> reap(long pid) {
		if (!this.nativeCalls.available()) {
			return Optional.empty();
		}
		return this.nativeCalls.reap(pid).map(ExitStatus::fromWaitStatus);
	}

}
