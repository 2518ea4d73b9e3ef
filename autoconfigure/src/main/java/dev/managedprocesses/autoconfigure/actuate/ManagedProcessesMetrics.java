package dev.managedprocesses.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessListener;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.ResourceUsage;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for managed processes, under the prefix {@code managed.processes}
 * (clear of Spring Boot's own {@code process.*} meters, which describe this JVM itself).
 * Tags are low in cardinality: a process's {@code name} and {@code outcome}, never its
 * pid or command.
 * <ul>
 * <li>{@code managed.processes.live} (gauge): live managed processes;</li>
 * <li>{@code managed.processes.zombies} (gauge): zombie children of the JVM;</li>
 * <li>{@code managed.processes.started} (counter): processes started;</li>
 * <li>{@code managed.processes.start.failures} (counter): starts the operating system
 * refused;</li>
 * <li>{@code managed.processes.reaped} (counter): orphans reaped;</li>
 * <li>{@code managed.processes.duration} (timer, tags {@code name}, {@code outcome}): how
 * long processes ran;</li>
 * <li>{@code managed.processes.cpu.time} (time gauge, tag {@code name}): CPU time used so
 * far by the live managed trees of that name, all members summed;</li>
 * <li>{@code managed.processes.memory.rss} (gauge, bytes, tag {@code name}): resident
 * memory of the live managed trees of that name, all members summed.</li>
 * </ul>
 * The two resource gauges read one shared overview at most
 * {@link ProcessesEndpoint#STALENESS_BOUND} old, so a scrape of many names reads the
 * process table once; a name is registered when the first process of that name starts and
 * reads 0 while none runs.
 */
public class ManagedProcessesMetrics implements MeterBinder {

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private final SharedOverview<Map<String, ResourceUsage>> usageByName;

	private final Set<String> resourceGauges = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the binder.
	 * @param factory the factory
	 * @param reaper the reaper
	 */
	public ManagedProcessesMetrics(ManagedProcessFactory factory, OrphanReaper reaper) {
		this.factory = factory;
		this.reaper = reaper;
		this.usageByName = new SharedOverview<>(factory, ProcessesEndpoint.STALENESS_BOUND,
				(previous) -> ProcessOverview.take(factory, reaper), (overview, previous) -> usageByName(overview));
	}

	private static Map<String, ResourceUsage> usageByName(ProcessOverview overview) {
		Map<String, List<ResourceUsage>> trees = new HashMap<>();
		for (ProcessOverview.ManagedTree tree : overview.managed()) {
			tree.resources()
				.ifPresent((usage) -> trees.computeIfAbsent(tree.process().name(), (name) -> new ArrayList<>())
					.add(usage));
		}
		Map<String, ResourceUsage> sums = new HashMap<>();
		trees.forEach((name, usages) -> sums.put(name, ResourceUsage.sum(usages)));
		return sums;
	}

	/**
	 * No zombie child at all is one {@code waitid(WNOWAIT)}; only otherwise are the JVM's
	 * children read.
	 */
	private int zombies() {
		OperatingSystem os = this.factory.operatingSystem();
		if (os.canReap() && os.anyZombieChild().isEmpty()) {
			return 0;
		}
		return ProcessOverview.takeWithoutDescendants(this.factory, this.reaper).zombies().size();
	}

	private void registerResourceGauges(MeterRegistry registry, String name) {
		if (!this.resourceGauges.add(name)) {
			return;
		}
		TimeGauge
			.builder("managed.processes.cpu.time", this, TimeUnit.MILLISECONDS,
					(metrics) -> metrics.usage(name).map((usage) -> (double) usage.cpu().toMillis()).orElse(0.0))
			.description("CPU time used by the live managed trees of this name")
			.tag("name", name)
			.register(registry);
		Gauge
			.builder("managed.processes.memory.rss", this,
					(metrics) -> metrics.usage(name).map((usage) -> (double) usage.rssBytes().orElse(0)).orElse(0.0))
			.description("Resident memory of the live managed trees of this name")
			.baseUnit("bytes")
			.tag("name", name)
			.register(registry);
	}

	private Optional<ResourceUsage> usage(String name) {
		return Optional.ofNullable(this.usageByName.get().get(name));
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("managed.processes.live", this.factory, ManagedProcessFactory::liveCount)
			.description("Live managed processes")
			.register(registry);
		Gauge.builder("managed.processes.zombies", this, ManagedProcessesMetrics::zombies)
			.description("Zombie children of this JVM")
			.register(registry);
		FunctionCounter.builder("managed.processes.reaped", this.reaper, (reaper) -> reaper.status().reaped())
			.description("Orphaned processes reaped")
			.register(registry);
		Counter started = Counter.builder("managed.processes.started")
			.description("Processes started")
			.register(registry);
		Counter failures = Counter.builder("managed.processes.start.failures")
			.description("Processes the operating system refused to start")
			.register(registry);
		this.factory.addListener(new ProcessListener() {

			@Override
			public void started(ManagedProcess process) {
				started.increment();
				registerResourceGauges(registry, process.name());
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
