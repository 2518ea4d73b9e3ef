package dev.managedprocesses.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises long-running services on a {@link ManagedProcessFactory}: starts them in
 * dependency order (independent ones in parallel), restarts them with back-off, probes
 * their readiness and liveness, and stops them in reverse dependency order. Each run of a
 * service is a managed process named after the service, in the factory's registry like
 * any other.
 * <p>
 * One scheduler thread drives every service and a small pool runs blocking probes;
 * neither ever runs user code: the futures handed out and {@link ServiceListener} calls
 * complete on the common pool.
 */
public final class ManagedServices implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ManagedServices.class);

	private final ManagedProcessFactory factory;

	private final Map<String, ManagedService> services;

	private final ScheduledThreadPoolExecutor scheduler;

	private final ThreadPoolExecutor probes;

	private final ProbeRunner probeRunner;

	private final List<ServiceListener> listeners = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	private ManagedServices(ManagedProcessFactory factory, List<ServiceDefinition> ordered) {
		this.factory = factory;
		Map<String, ManagedService> byName = new LinkedHashMap<>();
		ordered.forEach((definition) -> byName.put(definition.name(), new ManagedService(definition, this)));
		this.services = java.util.Collections.unmodifiableMap(byName);
		this.scheduler = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "managed-services-scheduler");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.probes = new ThreadPoolExecutor(0, 64, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), (task) -> {
			Thread thread = new Thread(task, "managed-services-probe");
			thread.setDaemon(true);
			return thread;
		});
		this.probeRunner = new ProbeRunner(factory);
	}

	/**
	 * Starts a set of services on a factory.
	 * @param factory the factory that runs every service's process
	 * @return the builder
	 */
	public static Builder builder(ManagedProcessFactory factory) {
		return new Builder(factory);
	}

	/**
	 * Every service, in dependency order (a service after everything it depends on).
	 * @return the services
	 */
	public List<ManagedService> services() {
		return List.copyOf(this.services.values());
	}

	/**
	 * Looks a service up by name.
	 * @param name the name
	 * @return the service, or empty when there is none of that name
	 */
	public Optional<ManagedService> find(String name) {
		return Optional.ofNullable(this.services.get(name));
	}

	/**
	 * The service whose current process has this pid.
	 * @param pid a process id
	 * @return the service's name, or empty when no service runs as that pid
	 */
	public Optional<String> serviceOf(long pid) {
		for (ManagedService service : this.services.values()) {
			if (service.pid().filter((p) -> p == pid).isPresent()) {
				return Optional.of(service.name());
			}
		}
		return Optional.empty();
	}

	/**
	 * Adds a listener.
	 * @param listener the listener
	 */
	public void addListener(ServiceListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Starts every service that is not running, each once its dependencies are READY or
	 * COMPLETED. Returns at once.
	 */
	public void startAll() {
		post(() -> this.services.values().forEach(ManagedService::requestStart), null);
	}

	/**
	 * Starts a stopped, failed or completed service (with a fresh restart count window
	 * and back-off); does nothing to one that runs.
	 * @param name the service
	 * @return the service, once asked to start (await {@link ManagedService#awaitReady()}
	 * for readiness)
	 * @throws IllegalArgumentException for an unknown name
	 */
	public CompletableFuture<ManagedService> start(String name) {
		ManagedService service = require(name);
		CompletableFuture<ManagedService> done = new CompletableFuture<>();
		post(() -> {
			service.requestStart();
			done.complete(service);
		}, done);
		return offOurThreads(done);
	}

	/**
	 * Stops a service: its stop signal, its grace period, then {@code SIGKILL} to
	 * whatever is left of its tree. It stays STOPPED until started again.
	 * @param name the service
	 * @return completes once its whole tree is gone
	 * @throws IllegalArgumentException for an unknown name
	 */
	public CompletableFuture<ManagedService> stop(String name) {
		ManagedService service = require(name);
		CompletableFuture<ManagedService> done = new CompletableFuture<>();
		post(() -> service.stop("stopped").whenComplete((ignored, ex) -> done.complete(service)), done);
		return offOurThreads(done);
	}

	/**
	 * Stops a service (as {@link #stop(String)}) and starts it again once its tree is
	 * gone.
	 * @param name the service
	 * @return completes once the new run is started
	 * @throws IllegalArgumentException for an unknown name
	 */
	public CompletableFuture<ManagedService> restart(String name) {
		ManagedService service = require(name);
		CompletableFuture<ManagedService> done = new CompletableFuture<>();
		post(() -> service.stop("restarting").whenComplete((ignored, ex) -> post(() -> {
			service.requestStart();
			done.complete(service);
		}, done)), done);
		return offOurThreads(done);
	}

	/**
	 * Completes when the service is READY or COMPLETED.
	 * @param name the service
	 * @return as {@link ManagedService#awaitReady()}
	 * @throws IllegalArgumentException for an unknown name
	 */
	public CompletableFuture<ManagedService> awaitReady(String name) {
		return require(name).awaitReady();
	}

	/**
	 * Waits until the service is READY or COMPLETED.
	 * @param name the service
	 * @param timeout how long to wait at most
	 * @return the service
	 * @throws ServiceFailedException when it failed or was stopped first
	 * @throws TimeoutException when it is not ready in time
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	public ManagedService awaitReady(String name, Duration timeout) throws TimeoutException, InterruptedException {
		return await(awaitReady(name), timeout);
	}

	/**
	 * Waits until every named service is READY or COMPLETED, failing as soon as one of
	 * them fails.
	 * @param names the services
	 * @param timeout how long to wait at most
	 * @throws ServiceFailedException for the first service that failed or was stopped
	 * @throws TimeoutException when they are not all ready in time
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	public void awaitReady(Collection<String> names, Duration timeout) throws TimeoutException, InterruptedException {
		CompletableFuture<Void> all = new CompletableFuture<>();
		List<CompletableFuture<ManagedService>> each = new ArrayList<>();
		for (String name : names) {
			CompletableFuture<ManagedService> ready = awaitReady(name);
			ready.whenComplete((service, ex) -> {
				if (ex != null) {
					all.completeExceptionally(ex);
				}
			});
			each.add(ready);
		}
		// allOf fails with the first failure in list order, not time order: each failure
		// is passed on as it comes
		CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).whenComplete((ignored, ex) -> {
			if (ex != null) {
				all.completeExceptionally((ex instanceof CompletionException) ? ex.getCause() : ex);
			}
			else {
				all.complete(null);
			}
		});
		await(all, timeout);
	}

	private static <T> T await(CompletableFuture<T> future, Duration timeout)
			throws TimeoutException, InterruptedException {
		try {
			long nanos = dev.managedprocesses.internal.Require.saturatedNanos(timeout);
			// a limit this long means no limit (and would overflow the deadline
			// arithmetic)
			return (nanos >= Long.MAX_VALUE / 2) ? future.get() : future.get(nanos, TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() instanceof CompletionException) ? ex.getCause().getCause() : ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause);
		}
	}

	/**
	 * Stops every service in reverse dependency order: a service is asked to stop once
	 * every service that depends on it is gone; independent ones stop in parallel, each
	 * with its own signal and grace period.
	 * @return completes once every tree is gone
	 */
	public CompletableFuture<Void> stopAll() {
		CompletableFuture<Void> done = new CompletableFuture<>();
		post(() -> {
			Map<String, CompletableFuture<Void>> stopped = new HashMap<>();
			List<ManagedService> reverse = new ArrayList<>(this.services.values());
			java.util.Collections.reverse(reverse);
			for (ManagedService service : reverse) {
				List<CompletableFuture<Void>> dependents = new ArrayList<>();
				for (ManagedService other : this.services.values()) {
					if (other.definition().dependsOn().contains(service.name())) {
						dependents.add(stopped.get(other.name()));
					}
				}
				CompletableFuture<Void> mine = new CompletableFuture<>();
				CompletableFuture.allOf(dependents.toArray(CompletableFuture[]::new))
					.whenComplete((ignored, ex) -> post(() -> service.stop("stopped with the application")
						.whenComplete((i, e) -> mine.complete(null)), mine));
				stopped.put(service.name(), mine);
			}
			CompletableFuture.allOf(stopped.values().toArray(CompletableFuture[]::new))
				.whenComplete((ignored, ex) -> done.complete(null));
		}, done);
		return done;
	}

	/**
	 * Stops every service (see {@link #stopAll()}), waits until every tree is gone, and
	 * ends the supervisor's threads.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		long grace = 0;
		for (ManagedService service : this.services.values()) {
			grace = dev.managedprocesses.internal.Require.saturatedAdd(grace, dev.managedprocesses.internal.Require
				.saturatedNanos(service.definition().gracePeriod().orElse(this.factory.settings().gracePeriod())));
		}
		try {
			long limit = dev.managedprocesses.internal.Require.saturatedAdd(grace, TimeUnit.SECONDS.toNanos(30));
			if (limit >= Long.MAX_VALUE / 2) {
				stopAll().get();
			}
			else {
				stopAll().get(limit, TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Stopping the services did not complete", ex);
		}
		finally {
			this.closed = true;
			this.scheduler.shutdownNow();
			ProbeRunner.shutdown(this.probes);
		}
	}

	private ManagedService require(String name) {
		ManagedService service = this.services.get(name);
		if (service == null) {
			throw new IllegalArgumentException(
					"No service named '" + name + "'; services are " + this.services.keySet());
		}
		return service;
	}

	// --- for ManagedService

	ManagedProcessFactory factory() {
		return this.factory;
	}

	/** Runs a task on the scheduler; when it cannot, fails the given future (if any). */
	void post(Runnable task, CompletableFuture<?> onRejected) {
		try {
			this.scheduler.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.error("Service supervision task failed", ex);
					if (onRejected != null) {
						onRejected.completeExceptionally(ex);
					}
				}
			});
		}
		catch (RejectedExecutionException ex) {
			if (onRejected != null) {
				onRejected.completeExceptionally(new IllegalStateException("the services are closed"));
			}
		}
	}

	ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		try {
			return this.scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closed: nothing more will run
			return null;
		}
	}

	/**
	 * Runs a probe attempt on the probe pool and hands its outcome back on the scheduler.
	 */
	void probe(ManagedService service, Probe probe, Duration timeout, BiConsumer<Optional<String>, Duration> then) {
		try {
			this.probes.execute(() -> {
				long start = System.nanoTime();
				Optional<String> failure = this.probeRunner.attempt(service.name(), probe, timeout);
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				post(() -> then.accept(failure, took), null);
			});
		}
		catch (RejectedExecutionException ex) {
			post(() -> then.accept(Optional.of("no probe thread available"), Duration.ZERO), null);
		}
	}

	String unsatisfiedDependency(ManagedService service) {
		for (String name : service.definition().dependsOn()) {
			ManagedService dependency = this.services.get(name);
			if (!dependency.state().satisfiesDependents()) {
				return name + " (" + dependency.state() + ")";
			}
		}
		return null;
	}

	/**
	 * Stops the service's tree: its stop signal (given to the process at launch) to every
	 * member, then {@code SIGKILL} after its grace period; {@code KILL} kills at once.
	 */
	CompletableFuture<ProcessResult> stopTree(ManagedService service, ManagedProcess process) {
		if (service.definition().stopSignal().equals("KILL")) {
			return process.kill();
		}
		return process.stop();
	}

	void stateChanged(ManagedService service, ServiceState previous, ServiceState current) {
		if (current.satisfiesDependents()) {
			this.services.values()
				.stream()
				.filter(ManagedService::isWaitingForDependencies)
				.forEach(ManagedService::waitOrLaunch);
		}
		if (current == ServiceState.FAILED) {
			for (ManagedService other : this.services.values()) {
				if (other.isWaitingForDependencies() && other.definition().dependsOn().contains(service.name())) {
					other.fail("dependency '" + service.name() + "' is FAILED");
				}
			}
		}
		for (ServiceListener listener : this.listeners) {
			CompletableFuture.runAsync(() -> listener.stateChanged(service, previous, current));
		}
	}

	void probed(ManagedService service, ProbeType type, Duration took, boolean passed) {
		Probe probe = (type == ProbeType.READINESS) ? service.definition().readiness().orElseThrow()
				: service.definition().liveness().orElseThrow();
		for (ServiceListener listener : this.listeners) {
			CompletableFuture.runAsync(() -> listener.probed(service, type, probe, took, passed));
		}
	}

	/**
	 * A copy of the future that completes on the common pool, so that no user code runs
	 * on our threads.
	 */
	static <T> CompletableFuture<T> offOurThreads(CompletableFuture<T> internal) {
		CompletableFuture<T> external = new CompletableFuture<>();
		internal.whenComplete((value, ex) -> CompletableFuture.runAsync(() -> {
			if (ex != null) {
				external.completeExceptionally(ex);
			}
			else {
				external.complete(value);
			}
		}));
		return external;
	}

	/**
	 * Builds {@link ManagedServices}: checks that every dependency exists and that there
	 * is no cycle.
	 */
	public static final class Builder {

		private final ManagedProcessFactory factory;

		private final Map<String, ServiceDefinition> definitions = new LinkedHashMap<>();

		private Builder(ManagedProcessFactory factory) {
			this.factory = Objects.requireNonNull(factory, "factory must not be null");
		}

		/**
		 * Adds a service.
		 * @param definition the service
		 * @return this builder
		 * @throws ServiceDefinitionException when a service of that name was already
		 * added
		 */
		public Builder service(ServiceDefinition definition) {
			Objects.requireNonNull(definition, "definition must not be null");
			if (this.definitions.putIfAbsent(definition.name(), definition) != null) {
				throw new ServiceDefinitionException(definition.name(), "name", "is defined twice");
			}
			return this;
		}

		/**
		 * Adds services.
		 * @param definitions the services
		 * @return this builder
		 */
		public Builder services(Collection<ServiceDefinition> definitions) {
			definitions.forEach(this::service);
			return this;
		}

		/**
		 * Checks the dependencies and builds the supervisor (nothing starts until
		 * {@link ManagedServices#startAll()}).
		 * @return the supervisor
		 * @throws ServiceDefinitionException naming an unknown dependency or a cycle
		 */
		public ManagedServices build() {
			return new ManagedServices(this.factory, ServiceOrder.of(this.definitions));
		}

	}

}
