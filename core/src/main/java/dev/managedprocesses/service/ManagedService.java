package dev.managedprocesses.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessBuilder;
import dev.managedprocesses.ProcessOutcome;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.ProcessStartException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised service: its definition and what it is doing now. Obtained from
 * {@link ManagedServices}. Reading is safe from any thread; every change happens on the
 * supervisor's own scheduler thread, and the futures handed out complete on the common
 * pool, never on it.
 */
public final class ManagedService {

	private static final Logger logger = LoggerFactory.getLogger(ManagedService.class);

	private final ServiceDefinition definition;

	private final ManagedServices owner;

	private final Logger outputLogger;

	private final Deque<String> tail = new ArrayDeque<>();

	private volatile ServiceState state = ServiceState.STOPPED;

	private volatile ManagedProcess process;

	/**
	 * The run that ended last; what it left of its tree is stopped before the next run
	 * starts.
	 */
	private ManagedProcess endedRun;

	private volatile int restarts;

	private volatile Instant startedAt;

	private volatile Instant readySince;

	private volatile ProcessResult lastExit;

	private volatile String reason;

	private volatile ProbeStatus readinessStatus;

	private volatile ProbeStatus livenessStatus;

	// the fields below are touched on the scheduler thread only

	private long generation;

	private int launches;

	private Duration backoff;

	private final Deque<Instant> restartTimes = new ArrayDeque<>();

	private final List<ScheduledFuture<?>> timers = new ArrayList<>();

	private int livenessFailures;

	private boolean waitingForDependencies;

	private final List<CompletableFuture<ManagedService>> readyWaiters = new ArrayList<>();

	ManagedService(ServiceDefinition definition, ManagedServices owner) {
		this.definition = definition;
		this.owner = owner;
		this.outputLogger = LoggerFactory.getLogger("managed-processes.service." + definition.name());
		this.backoff = definition.restartDelay();
		this.readinessStatus = definition.readiness().map(ProbeStatus::none).orElse(null);
		this.livenessStatus = definition.liveness().map(ProbeStatus::none).orElse(null);
	}

	/**
	 * @return the service's name
	 */
	public String name() {
		return this.definition.name();
	}

	/**
	 * @return the service's definition
	 */
	public ServiceDefinition definition() {
		return this.definition;
	}

	/**
	 * @return the state now
	 */
	public ServiceState state() {
		return this.state;
	}

	/**
	 * @return the running process, empty when none runs
	 */
	public Optional<ManagedProcess> process() {
		return Optional.ofNullable(this.process);
	}

	/**
	 * @return the pid of the running process, empty when none runs
	 */
	public Optional<Long> pid() {
		ManagedProcess current = this.process;
		return (current != null) ? Optional.of(current.pid()) : Optional.empty();
	}

	/**
	 * @return how many times the service was started again after its first start
	 */
	public int restarts() {
		return this.restarts;
	}

	/**
	 * @return when the current (or last) run started
	 */
	public Optional<Instant> startedAt() {
		return Optional.ofNullable(this.startedAt);
	}

	/**
	 * @return since when the service is READY, empty when it is not
	 */
	public Optional<Instant> readySince() {
		return Optional.ofNullable(this.readySince);
	}

	/**
	 * @return the result of the last run that ended
	 */
	public Optional<ProcessResult> lastExit() {
		return Optional.ofNullable(this.lastExit);
	}

	/**
	 * @return why the service is FAILED, STOPPED or BACKING_OFF, empty otherwise
	 */
	public Optional<String> reason() {
		return Optional.ofNullable(this.reason);
	}

	/**
	 * @return what the readiness probe found last, empty without one
	 */
	public Optional<ProbeStatus> readiness() {
		return Optional.ofNullable(this.readinessStatus);
	}

	/**
	 * @return what the liveness probe found last, empty without one
	 */
	public Optional<ProbeStatus> liveness() {
		return Optional.ofNullable(this.livenessStatus);
	}

	/**
	 * The last lines of output (standard output and standard error interleaved), as many
	 * as {@link ServiceDefinition#tailLines()}; none with {@link ServiceOutput#DISCARD}.
	 * @return the lines, oldest first
	 */
	public List<String> outputTail() {
		synchronized (this.tail) {
			return List.copyOf(this.tail);
		}
	}

	/**
	 * Completes when the service is READY or COMPLETED (at once if it is), exceptionally
	 * with {@link ServiceFailedException} when it becomes FAILED or is stopped first.
	 * @return the future, completed on the common pool
	 */
	public CompletableFuture<ManagedService> awaitReady() {
		CompletableFuture<ManagedService> internal = new CompletableFuture<>();
		this.owner.post(() -> {
			if (this.state.satisfiesDependents()) {
				internal.complete(this);
			}
			else if (this.state == ServiceState.FAILED) {
				internal.completeExceptionally(failure());
			}
			else {
				this.readyWaiters.add(internal);
			}
		}, internal);
		return ManagedServices.offOurThreads(internal);
	}

	@Override
	public String toString() {
		return "ManagedService[" + name() + " " + this.state + "]";
	}

	// --- on the scheduler thread from here on

	void requestStart() {
		if (this.state == ServiceState.STARTING || this.state == ServiceState.READY
				|| this.state == ServiceState.BACKING_OFF) {
			return;
		}
		this.restartTimes.clear();
		this.backoff = this.definition.restartDelay();
		this.reason = null;
		waitOrLaunch();
	}

	void waitOrLaunch() {
		cancelTimers();
		String blocked = this.owner.unsatisfiedDependency(this);
		if (blocked != null) {
			this.waitingForDependencies = true;
			this.reason = "waiting for " + blocked;
			setState(ServiceState.STARTING);
			return;
		}
		this.waitingForDependencies = false;
		launch();
	}

	boolean isWaitingForDependencies() {
		return this.waitingForDependencies && this.state == ServiceState.STARTING;
	}

	private void launch() {
		long gen = ++this.generation;
		this.livenessFailures = 0;
		ManagedProcessBuilder builder = this.owner.factory()
			.command(this.definition.command())
			.name(this.definition.name())
			.inheritEnvironment(this.definition.inheritEnvironment())
			.environment(this.definition.environment());
		this.definition.directory().ifPresent(builder::directory);
		this.definition.gracePeriod().ifPresent(builder::gracePeriod);
		// the whole tree gets the service's stop signal (then SIGKILL after the grace
		// period)
		builder.stopSignal(this.definition.stopSignal());
		boolean logLine = this.definition.readiness().map((p) -> p.kind() == Probe.Kind.LOG_LINE).orElse(false);
		if (this.definition.output() == ServiceOutput.DISCARD && !logLine) {
			builder.discardOutput();
		}
		else {
			builder.captureOutput(0);
			builder.onOutputLine(lineHandler(gen, false));
			builder.onErrorLine(lineHandler(gen, true));
		}
		ManagedProcess started;
		try {
			started = builder.start();
		}
		catch (ProcessStartException ex) {
			logger.warn("Service '{}' cannot start: {}", name(), ex.getMessage());
			this.process = null;
			this.reason = "cannot start: " + ex.getMessage();
			addTail("[" + ex.getMessage() + "]");
			if (this.launches++ > 0) {
				this.restarts++;
			}
			exitedOnItsOwn(gen, null, Duration.ZERO);
			return;
		}
		if (this.launches++ > 0) {
			this.restarts++;
		}
		this.process = started;
		this.startedAt = started.startedAt();
		this.readySince = null;
		this.reason = null;
		setState(ServiceState.STARTING);
		started.onExit().whenComplete((result, ex) -> this.owner.post(() -> {
			if (gen == this.generation) {
				this.lastExit = result;
				this.process = null;
				this.endedRun = started;
				exitedOnItsOwn(gen, result, result.duration());
			}
		}, null));
		Optional<Probe> readiness = this.definition.readiness();
		if (readiness.isEmpty()) {
			// a one-shot (restart never) without a probe is done when it exits:
			// dependents wait for COMPLETED
			if (this.definition.restart() != RestartPolicy.NEVER) {
				becomeReady();
			}
			return;
		}
		addTimer(this.owner.schedule(() -> {
			if (gen == this.generation && this.state == ServiceState.STARTING) {
				readinessTimedOut();
			}
		}, this.definition.readinessTimeout()));
		if (readiness.get().kind() != Probe.Kind.LOG_LINE) {
			probeReadiness(gen, Duration.ZERO);
		}
	}

	private Consumer<String> lineHandler(long gen, boolean error) {
		boolean log = this.definition.output() == ServiceOutput.LOG;
		boolean keep = this.definition.output() != ServiceOutput.DISCARD;
		java.util.regex.Pattern pattern = this.definition.readiness().flatMap(Probe::pattern).orElse(null);
		return (line) -> {
			if (log) {
				if (error) {
					this.outputLogger.warn(line);
				}
				else {
					this.outputLogger.info(line);
				}
			}
			if (keep) {
				addTail(line);
			}
			if (pattern != null && this.state == ServiceState.STARTING && pattern.matcher(line).find()) {
				Instant now = Instant.now();
				this.owner.post(() -> {
					if (gen == this.generation && this.state == ServiceState.STARTING) {
						this.readinessStatus = this.readinessStatus.passed(now, Duration.ZERO);
						this.owner.probed(this, ProbeType.READINESS, Duration.ZERO, true);
						becomeReady();
					}
				}, null);
			}
		};
	}

	private void addTail(String line) {
		int max = this.definition.tailLines();
		if (max == 0) {
			return;
		}
		synchronized (this.tail) {
			this.tail.addLast(line);
			while (this.tail.size() > max) {
				this.tail.removeFirst();
			}
		}
	}

	private void probeReadiness(long gen, Duration delay) {
		Probe probe = this.definition.readiness().orElseThrow();
		Duration attemptTimeout = attemptTimeout(this.definition.readinessInterval());
		addTimer(this.owner.schedule(() -> {
			if (gen != this.generation || this.state != ServiceState.STARTING) {
				return;
			}
			this.owner.probe(this, probe, attemptTimeout, (failure, took) -> {
				if (gen != this.generation || this.state != ServiceState.STARTING) {
					return;
				}
				Instant now = Instant.now();
				this.owner.probed(this, ProbeType.READINESS, took, failure.isEmpty());
				if (failure.isEmpty()) {
					this.readinessStatus = this.readinessStatus.passed(now, took);
					becomeReady();
				}
				else {
					this.readinessStatus = this.readinessStatus.failed(now, took, failure.get());
					probeReadiness(gen, this.definition.readinessInterval());
				}
			});
		}, delay));
	}

	private void probeLiveness(long gen) {
		Probe probe = this.definition.liveness().orElseThrow();
		Duration interval = this.definition.livenessInterval();
		addTimer(this.owner.schedule(() -> {
			if (gen != this.generation || this.state != ServiceState.READY) {
				return;
			}
			this.owner.probe(this, probe, attemptTimeout(interval), (failure, took) -> {
				if (gen != this.generation || this.state != ServiceState.READY) {
					return;
				}
				Instant now = Instant.now();
				this.owner.probed(this, ProbeType.LIVENESS, took, failure.isEmpty());
				if (failure.isEmpty()) {
					this.livenessStatus = this.livenessStatus.passed(now, took);
					this.livenessFailures = 0;
					probeLiveness(gen);
					return;
				}
				this.livenessStatus = this.livenessStatus.failed(now, took, failure.get());
				this.livenessFailures++;
				if (this.livenessFailures < this.definition.livenessFailureThreshold()) {
					probeLiveness(gen);
					return;
				}
				logger.warn("Service '{}' failed its liveness probe {} times in a row ({}): restarting it", name(),
						this.livenessFailures, failure.get());
				restartTree("liveness probe failed " + this.livenessFailures + " times: " + failure.get());
			});
		}, interval));
	}

	private static Duration attemptTimeout(Duration interval) {
		return (interval.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : interval;
	}

	private void becomeReady() {
		this.readySince = Instant.now();
		this.reason = null;
		setState(ServiceState.READY);
		if (this.definition.liveness().isPresent()) {
			probeLiveness(this.generation);
		}
	}

	private void readinessTimedOut() {
		String why = "not ready within readiness.timeout " + this.definition.readinessTimeout()
				+ this.readinessStatus.lastFailureMessage().map((m) -> " (last probe: " + m + ")").orElse("");
		logger.warn("Service '{}' {}: stopping it", name(), why);
		fail(why);
		stopProcess();
	}

	/**
	 * Liveness failed: the whole tree goes, then a new run starts (within max-restarts).
	 */
	private void restartTree(String why) {
		long gen = ++this.generation;
		cancelTimers();
		this.reason = why;
		this.readySince = null;
		setState(ServiceState.BACKING_OFF);
		stopProcess().whenComplete((result, ex) -> this.owner.post(() -> {
			if (gen != this.generation) {
				return;
			}
			if (!allowRestart()) {
				return;
			}
			waitOrLaunch();
		}, null));
	}

	private void exitedOnItsOwn(long gen, ProcessResult result, Duration ran) {
		cancelTimers();
		this.readySince = null;
		boolean success = result != null && result.outcome() == ProcessOutcome.EXITED && result.exitCode() == 0;
		String exit = (result == null) ? this.reason : (result.outcome() == ProcessOutcome.EXITED)
				? "exited with code " + result.exitCode() : "ended " + result.outcome();
		if (result != null) {
			if (success) {
				logger.info("Service '{}' {}", name(), exit);
			}
			else {
				logger.warn("Service '{}' {}", name(), exit);
			}
		}
		RestartPolicy policy = this.definition.restart();
		if (policy == RestartPolicy.NEVER || (policy == RestartPolicy.ON_FAILURE && success)) {
			if (success) {
				this.reason = exit;
				setState(ServiceState.COMPLETED);
			}
			else {
				fail(exit + " (restart " + policy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
			}
			return;
		}
		// a stable run starts the back-off over
		if (ran.compareTo(this.definition.maxRestartDelay()) >= 0) {
			this.backoff = this.definition.restartDelay();
		}
		this.reason = exit;
		if (!allowRestart()) {
			return;
		}
		Duration delay = this.backoff;
		Duration doubled = this.backoff.multipliedBy(2);
		this.backoff = (doubled.compareTo(this.definition.maxRestartDelay()) > 0) ? this.definition.maxRestartDelay()
				: doubled;
		this.reason = exit + ", restarting in " + delay;
		setState(ServiceState.BACKING_OFF);
		// a restart begins with the previous tree gone: a daemon the last run left behind
		// would hold its
		// port or lock, so it is stopped (stop signal, grace, SIGKILL) before the
		// back-off starts
		ManagedProcess previous = this.endedRun;
		this.endedRun = null;
		CompletableFuture<Void> leftoversGone = (previous != null) ? previous.stopDescendants()
				: CompletableFuture.completedFuture(null);
		leftoversGone.whenComplete((ignored, ex) -> this.owner.post(() -> {
			if (gen == this.generation && this.state == ServiceState.BACKING_OFF) {
				addTimer(this.owner.schedule(() -> {
					if (gen == this.generation && this.state == ServiceState.BACKING_OFF) {
						waitOrLaunch();
					}
				}, delay));
			}
		}, null));
	}

	/**
	 * Counts one restart in the window, or makes the service FAILED when the window is
	 * full.
	 */
	private boolean allowRestart() {
		Instant now = Instant.now();
		Instant windowStart = now.minus(this.definition.restartWindow());
		while (!this.restartTimes.isEmpty() && this.restartTimes.peekFirst().isBefore(windowStart)) {
			this.restartTimes.removeFirst();
		}
		if (this.restartTimes.size() >= this.definition.maxRestarts()) {
			fail((this.reason != null ? this.reason + "; " : "") + "restarted " + this.restartTimes.size()
					+ " times within restart-window " + this.definition.restartWindow() + " (max-restarts "
					+ this.definition.maxRestarts() + ")");
			return false;
		}
		this.restartTimes.addLast(now);
		return true;
	}

	/**
	 * Stops the service (operator, application or shutdown): its tree is gone when the
	 * future completes.
	 */
	CompletableFuture<Void> stop(String why) {
		++this.generation;
		cancelTimers();
		this.waitingForDependencies = false;
		this.readySince = null;
		this.reason = why;
		setState(ServiceState.STOPPED);
		return stopProcess().thenApply((result) -> null);
	}

	private CompletableFuture<ProcessResult> stopProcess() {
		ManagedProcess current = this.process;
		if (current == null) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<ProcessResult> gone = this.owner.stopTree(this, current);
		// completes once the scheduler has recorded the end, so that callers see pid()
		// empty
		CompletableFuture<ProcessResult> recorded = new CompletableFuture<>();
		gone.whenComplete((result, ex) -> this.owner.post(() -> {
			if (this.process == current) {
				this.process = null;
				this.lastExit = result;
			}
			recorded.complete(result);
		}, recorded));
		return recorded;
	}

	void fail(String why) {
		++this.generation;
		cancelTimers();
		this.waitingForDependencies = false;
		this.reason = why;
		this.readySince = null;
		setState(ServiceState.FAILED);
	}

	private void setState(ServiceState next) {
		ServiceState previous = this.state;
		this.state = next;
		if (next.satisfiesDependents()) {
			this.readyWaiters.forEach((waiter) -> waiter.complete(this));
			this.readyWaiters.clear();
		}
		else if (next == ServiceState.FAILED || next == ServiceState.STOPPED) {
			ServiceFailedException failure = failure();
			this.readyWaiters.forEach((waiter) -> waiter.completeExceptionally(failure));
			this.readyWaiters.clear();
		}
		if (previous != next) {
			if (next == ServiceState.READY || next == ServiceState.FAILED) {
				logger.info("Service '{}' is {}{}", name(), next, (this.reason != null) ? ": " + this.reason : "");
			}
			this.owner.stateChanged(this, previous, next);
		}
	}

	ServiceFailedException failure() {
		StringBuilder message = new StringBuilder("Service '").append(name()).append("' is ").append(this.state);
		if (this.reason != null) {
			message.append(": ").append(this.reason);
		}
		List<String> lines = outputTail();
		if (!lines.isEmpty()) {
			message.append("; last output lines:");
			lines.subList(Math.max(0, lines.size() - 10), lines.size())
				.forEach((line) -> message.append(System.lineSeparator()).append("  ").append(line));
		}
		return new ServiceFailedException(name(), this.state, message.toString());
	}

	private void addTimer(ScheduledFuture<?> timer) {
		this.timers.removeIf(ScheduledFuture::isDone);
		if (timer != null) {
			this.timers.add(timer);
		}
	}

	private void cancelTimers() {
		this.timers.forEach((timer) -> timer.cancel(false));
		this.timers.clear();
	}

}
