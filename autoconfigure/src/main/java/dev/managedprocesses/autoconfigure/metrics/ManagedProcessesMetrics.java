package dev.managedprocesses.autoconfigure.metrics;

import java.util.List;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessListener;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.autoconfigure.ZombieChildren;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters of managed processes, under {@code managed.processes} (clear of Spring Boot's own
 * {@code process.*}). No pid or command tags: they would make every process a new time series.
 */
public class ManagedProcessesMetrics implements MeterBinder {

	private static final String PREFIX = "managed.processes";

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private final OperatingSystem os;

	/**
	 * Creates the binder.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param os the operating system
	 */
	public ManagedProcessesMetrics(ManagedProcessFactory factory, OrphanReaper reaper, OperatingSystem os) {
		this.factory = factory;
		this.reaper = reaper;
		this.os = os;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(PREFIX + ".live", this.factory, (factory) -> factory.processes().size())
			.description("Live managed processes")
			.register(registry);
		Gauge.builder(PREFIX + ".zombies", this.os, ZombieChildren::count)
			.description("Zombie children of the JVM")
			.register(registry);
		Counter started = Counter.builder(PREFIX + ".started").description("Processes started").register(registry);
		Counter failures = Counter.builder(PREFIX + ".start.failures")
			.description("Processes the operating system refused to start")
			.register(registry);
		Counter reaped = Counter.builder(PREFIX + ".reaped").description("Orphans reaped").register(registry);
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
				Timer.builder(PREFIX + ".duration")
					.description("Run time of finished managed processes")
					.tag("name", result.name())
					.tag("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT))
					.register(registry)
					.record(result.duration());
			}

		});
		this.reaper.addListener((process) -> reaped.increment());
	}

}
