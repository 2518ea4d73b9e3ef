package dev.managedprocesses.autoconfigure.actuate;

import java.util.List;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessListener;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.reaper.OrphanReaper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for managed processes, under the prefix {@code managed.processes} (clear of Spring Boot's
 * own {@code process.*} meters, which describe this JVM itself). Tags are low in cardinality: a process's
 * {@code name} and {@code outcome}, never its pid or command.
 * <ul>
 * <li>{@code managed.processes.live} (gauge): live managed processes;</li>
 * <li>{@code managed.processes.zombies} (gauge): zombie children of the JVM;</li>
 * <li>{@code managed.processes.started} (counter): processes started;</li>
 * <li>{@code managed.processes.start.failures} (counter): starts the operating system refused;</li>
 * <li>{@code managed.processes.reaped} (counter): orphans reaped;</li>
 * <li>{@code managed.processes.duration} (timer, tags {@code name}, {@code outcome}): how long processes
 * ran.</li>
 * </ul>
 */
public class ManagedProcessesMetrics implements MeterBinder {

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	/**
	 * Creates the binder.
	 * @param factory the factory
	 * @param reaper the reaper
	 */
	public ManagedProcessesMetrics(ManagedProcessFactory factory, OrphanReaper reaper) {
		this.factory = factory;
		this.reaper = reaper;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("managed.processes.live", this.factory, (factory) -> factory.processes().size())
			.description("Live managed processes")
			.register(registry);
		Gauge.builder("managed.processes.zombies", this,
				(metrics) -> ProcessOverview.takeWithoutDescendants(metrics.factory, metrics.reaper).zombies().size())
			.description("Zombie children of this JVM")
			.register(registry);
		FunctionCounter.builder("managed.processes.reaped", this.reaper, (reaper) -> reaper.status().reaped())
			.description("Orphaned processes reaped")
			.register(registry);
		Counter started = Counter.builder("managed.processes.started").description("Processes started").register(registry);
		Counter failures = Counter.builder("managed.processes.start.failures")
			.description("Processes the operating system refused to start")
			.register(registry);
		this.factory.addListener(new ProcessListener() {

			@Override
			public void started(ManagedProcess process) {
				started.increment();
			}

			@Override
			public void startFailed(List<String> command, Throwable failure) {
				failures.increment();
			}

			@Override
			public void finished(ProcessResult result) {
				Timer.builder("managed.processes.duration")
					.description("How long managed processes ran")
					.tag("name", result.name())
					.tag("outcome", result.outcome().name())
					.register(registry)
					.record(result.duration());
			}

		});
	}

}
