package dev.managedprocesses.benchmarks;

import dev.managedprocesses.TestProcesses;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.autoconfigure.actuate.ProcessesEndpoint;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReapedProcess;
import dev.managedprocesses.reaper.ReaperMode;

import org.springframework.boot.actuate.endpoint.Show;

/**
 * The benchmark scenarios. Each returns a table; sizes come from {@link Size}, so the
 * same code runs as a tiny smoke test in CI and as the real measurement in
 * {@code run-all.sh}.
 */
final class Scenarios {

	private final Size size;

	Scenarios(Size size) {
		this.size = size;
	}

	/** How much work each scenario does. */
	record Size(int rounds, Duration slice, int concurrent, int trees, int timeoutRepeats, int steadyOrphans,
			int burstOrphans, int shutdownTrees, int endpointProcesses, int endpointCalls, int soakRuns,
			Duration hungAfter, int httpClients, int httpRequestsPerClient, Duration httpWarmUp, int bindingCalls) {

		static Size smoke() {
			return new Size(1, Duration.ofMillis(200), 5, 3, 1, 3, 10, 10, 10, 3, 100, Duration.ofSeconds(3), 3, 2,
					Duration.ZERO, 10_000);
		}

		static Size full() {
			return new Size(5, Duration.ofSeconds(2), 300, 50, 3, 50, 1000, 1000, 1000, 30, 100_000,
					Duration.ofSeconds(5), 20, 100, Duration.ofSeconds(8), 500_000);
		}

	}

	static List<Supplier<Library>> peers() {
		return List.of(ManagedProcesses::new, RawProcessBuilder::new, ZtExec::new, CommonsExec::new,
				NuProcessLibrary::new);
	}

	/** 1. Spawn and wait for {@code /bin/true}, sequentially, libraries taking turns. */
	Table spawn() throws Exception {
		Map<String, List<Double>> rates = alternate((library) -> {
			long start = System.nanoTime();
			int runs = 0;
			do {
				library.run(List.of("/bin/true"));
				runs++;
			}
			while (System.nanoTime() - start < this.size.slice().toNanos());
			return runs / seconds(start);
		});
		return throughputTable("1. Spawn and wait, /bin/true, sequential (processes/s)", rates, (table, medians) -> {
			table.goal("spawn throughput of managed-processes >= 0.98 x raw ProcessBuilder ("
					+ ratio(medians, "managed-processes") + ")", ratioOf(medians, "managed-processes") >= 0.98);
			table.goal(
					"spawn throughput of managed-processes >= zt-exec (" + ratio(medians, "managed-processes") + " vs "
							+ ratio(medians, "zt-exec") + ")",
					ratioOf(medians, "managed-processes") >= ratioOf(medians, "zt-exec"));
		});
	}

	/** 2. Spawn and capture {@code seq 1 20000}, output checked. */
	Table capture() throws Exception {
		Map<String, List<Double>> rates = alternate((library) -> {
			long start = System.nanoTime();
			int runs = 0;
			do {
				String out = library.capture(List.of("seq", "1", "20000"));
				if (!out.endsWith("\n20000\n") || out.length() != 108894) {
					throw new IllegalStateException(library.name() + " captured " + out.length() + " chars");
				}
				runs++;
			}
			while (System.nanoTime() - start < this.size.slice().toNanos());
			return runs / seconds(start);
		});
		return throughputTable("2. Spawn and capture `seq 1 20000` (processes/s)", rates, (table, medians) -> {
			double fastestPeer = medians.entrySet()
				.stream()
				.filter((e) -> !e.getKey().startsWith("managed") && !e.getKey().startsWith("raw"))
				.mapToDouble(Map.Entry::getValue)
				.max()
				.orElse(0);
			table.goal("capture of managed-processes >= 1.0 x raw ProcessBuilder ("
					+ ratio(medians, "managed-processes") + ")", ratioOf(medians, "managed-processes") >= 1.0);
			table.goal("capture of managed-processes at least as fast as the fastest peer ("
					+ Table.format(medians.get("managed-processes")) + " vs " + Table.format(fastestPeer) + "/s)",
					medians.get("managed-processes") >= fastestPeer);
		});
	}

	/**
	 * 3. Many concurrent {@code sleep}s: extra platform threads and resident memory per
	 * running process.
	 */
	Table concurrent() throws Exception {
		Table table = new Table("3. " + this.size.concurrent() + " concurrent `sleep` processes (per running process; "
				+ "threads besides the JDK's own process reaper pool, which every ProcessBuilder-based library shares)",
				"library", "extra threads", "extra RSS (KiB)");
		Map<String, Double> threads = new LinkedHashMap<>();
		Map<String, Double> rss = new LinkedHashMap<>();
		List<Supplier<Library>> libraries = new ArrayList<>(peers());
		libraries.add(1, () -> new ManagedProcesses(ManagedProcesses.Output.DISCARDED));
		libraries.add(2, () -> new ManagedProcesses(ManagedProcesses.Output.FILE));
		for (Supplier<Library> supplier : libraries) {
			String marker = TestProcesses.marker();
			try (Library library = supplier.get()) {
				warmUp(library, marker);
				settle();
				int threadsBefore = threadsOutsideJdkReaperPool();
				long rssBefore = rssKiB();
				List<Library.Running> running = new ArrayList<>();
				for (int i = 0; i < this.size.concurrent(); i++) {
					running.add(library.start(List.of("sleep", marker)));
				}
				waitUntil(() -> TestProcesses.alive(marker).size() >= this.size.concurrent(), 30_000);
				Thread.sleep(500);
				double perThread = (threadsOutsideJdkReaperPool() - threadsBefore) / (double) this.size.concurrent();
				// garbage of the spawns is not what a running process costs: collect it
				// before reading RSS
				settle();
				double perRss = (rssKiB() - rssBefore) / (double) this.size.concurrent();
				threads.put(library.name(), perThread);
				rss.put(library.name(), perRss);
				table.row(library.name(), perThread, perRss);
				TestProcesses.killAll(marker);
				for (Library.Running each : running) {
					each.await();
				}
			}
			finally {
				TestProcesses.killAll(marker);
			}
		}
		double raw = threads.get("raw ProcessBuilder");
		table.goal("threads per process, captured: managed " + Table.format(threads.get("managed-processes"))
				+ " <= raw (" + Table.format(raw) + ")", threads.get("managed-processes") <= raw + 0.05);
		double rawRss = rss.get("raw ProcessBuilder");
		table.goal(
				"RSS per process, captured: managed " + Table.format(rss.get("managed-processes"))
						+ " KiB <= 1.5 x raw (" + Table.format(1.5 * rawRss) + " KiB)",
				rss.get("managed-processes") <= 1.5 * rawRss);
		table.goal(
				"threads per process, discarded: managed " + Table.format(threads.get("managed-processes (discarded)"))
						+ " <= raw (" + Table.format(raw) + ")",
				threads.get("managed-processes (discarded)") <= raw + 0.05);
		table.goal("threads per process, to a file: managed " + Table.format(threads.get("managed-processes (file)"))
				+ " <= raw (" + Table.format(raw) + ")", threads.get("managed-processes (file)") <= raw + 0.05);
		return table;
	}

	/**
	 * Starts and ends as many processes as the measurement will, so class loading, JIT,
	 * heap growth and above all the JDK's process reaper pool are not charged to it: the
	 * JDK waits for each running child on a reaper thread of its own, a cached pool every
	 * library shares, whose threads live on idle for a minute. Warmed with 20 processes
	 * only, the first library measured paid for creating 280 reaper threads (thread
	 * stacks: about 100 KiB of RSS per process, per NMT) and those after it reused them.
	 */
	private void warmUp(Library library, String marker) throws Exception {
		List<Library.Running> running = new ArrayList<>();
		for (int i = 0; i < this.size.concurrent(); i++) {
			running.add(library.start(List.of("sleep", marker)));
		}
		waitUntil(() -> TestProcesses.alive(marker).size() >= running.size(), 30_000);
		TestProcesses.killAll(marker);
		for (Library.Running each : running) {
			each.await();
		}
	}

	/**
	 * 4. Tree kill through each library's own API: grandchildren left alive 2 s later.
	 */
	Table treeKill() throws Exception {
		Table table = new Table(
				"4. Tree kill: " + this.size.trees() + " trees of `sh -c 'sleep 100 & sleep 100 & wait'`", "library",
				"grandchildren alive after 2 s", "of");
		Map<String, Integer> left = new LinkedHashMap<>();
		for (Supplier<Library> supplier : peers()) {
			String marker = TestProcesses.marker();
			try (Library library = supplier.get()) {
				List<Library.Running> trees = new ArrayList<>();
				for (int i = 0; i < this.size.trees(); i++) {
					trees.add(library.start(List.of("sh", "-c", "sleep " + marker + " & sleep " + marker + " & wait")));
				}
				waitUntil(() -> TestProcesses.alive(marker).size() >= 2 * this.size.trees(), 30_000);
				for (Library.Running tree : trees) {
					tree.stop();
				}
				Thread.sleep(2000);
				int alive = TestProcesses.alive(marker).size();
				left.put(library.name(), alive);
				table.row(library.name(), alive, 2 * this.size.trees());
			}
			finally {
				TestProcesses.killAll(marker);
			}
		}
		table.goal("managed-processes leaves no grandchild (" + left.get("managed-processes") + ")",
				left.get("managed-processes") == 0);
		return table;
	}

	/**
	 * 5. A timeout of 500 ms on {@code sh -c 'sleep 100 & sleep 100'}: when the call
	 * returns, what is left.
	 */
	Table timeout() throws Exception {
		Duration timeout = Duration.ofMillis(500);
		Table table = new Table("5. Timeout of `sh -c 'sleep 100 & sleep 100'` at 500 ms", "library",
				"call returned after (ms, median)", "grandchildren left");
		Map<String, Double> returned = new LinkedHashMap<>();
		Map<String, Integer> leftovers = new LinkedHashMap<>();
		int repeats = this.size.timeoutRepeats();
		for (Supplier<Library> supplier : peers()) {
			try (Library library = supplier.get()) {
				List<Double> took = new ArrayList<>();
				int left = 0;
				int hung = 0;
				for (int i = 0; i < repeats; i++) {
					String marker = TestProcesses.marker();
					java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors
						.newSingleThreadExecutor();
					try {
						long start = System.nanoTime();
						var call = caller.submit(() -> {
							library.runWithTimeout(List.of("sh", "-c", "sleep " + marker + " & sleep " + marker),
									timeout);
							return null;
						});
						try {
							call.get(this.size.hungAfter().toMillis(), TimeUnit.MILLISECONDS);
							took.add(millis(start));
							Thread.sleep(200);
							left += TestProcesses.alive(marker).size();
						}
						catch (java.util.concurrent.TimeoutException ex) {
							// the call waits for output the orphaned grandchildren keep
							// open: count it as hung
							hung++;
							took.add(millis(start));
							left += TestProcesses.alive(marker).size();
							TestProcesses.killAll(marker);
							call.get(30, TimeUnit.SECONDS);
						}
					}
					finally {
						TestProcesses.killAll(marker);
						caller.shutdownNow();
					}
				}
				double median = Stats.of(took).median();
				returned.put(library.name(), median);
				leftovers.put(library.name(), left / repeats);
				table.row(library.name(), (hung > 0) ? "> " + this.size.hungAfter().toMillis()
						+ " (hung on the pipe in " + hung + " of " + repeats + ")" : Table.format(median),
						left / repeats);
			}
		}
		long limit = timeout.plusSeconds(2).plusMillis(100).toMillis();
		table.goal(
				"managed-processes returns within timeout + grace + 100 ms ("
						+ Table.format(returned.get("managed-processes")) + " <= " + limit + " ms) and leaves nothing ("
						+ leftovers.get("managed-processes") + ")",
				returned.get("managed-processes") <= limit && leftovers.get("managed-processes") == 0);
		return table;
	}

	/**
	 * 6. Orphan reap latency, the starter only, this JVM as child subreaper: steady rate
	 * and a burst.
	 */
	Table reapLatency() throws Exception {
		OperatingSystem os = OperatingSystem.current();
		Table table = new Table(
				"6. Orphan reap latency (ms from the orphan's exit to its reaping; JVM as subreaper, defaults)", "load",
				"orphans", "median", "p99", "max");
		if (!os.canReap() || !os.setChildSubreaper(true)) {
			table.row("unavailable here", 0, Double.NaN, Double.NaN, Double.NaN);
			return table;
		}
		Path dir = Files.createTempDirectory("reap-latency");
		try (OrphanReaper reaper = OrphanReaper.builder(os).mode(ReaperMode.ALWAYS).historySize(10_000).build()) {
			reaper.start();
			int steady = this.size.steadyOrphans();
			Instant steadyStart = Instant.now();
			for (int i = 0; i < steady; i++) {
				orphans(dir, 1);
				Thread.sleep(100);
			}
			Stats steadyStats = latencies(reaper, dir, steady, steadyStart);
			table.row("steady, 10 per second", steady, steadyStats.median(), steadyStats.p99(), steadyStats.max());
			int burst = this.size.burstOrphans();
			Instant burstStart = Instant.now();
			orphans(dir, burst);
			Stats burstStats = latencies(reaper, dir, burst, burstStart);
			table.row("one burst", burst, burstStats.median(), burstStats.p99(), burstStats.max());
			table.goal("every orphan reaped (" + (steadyStats.count() + burstStats.count()) + " of " + (steady + burst)
					+ ")", steadyStats.count() + burstStats.count() == steady + burst);
		}
		finally {
			os.setChildSubreaper(false);
			try (var files = Files.list(dir)) {
				files.forEach((file) -> file.toFile().delete());
			}
			Files.deleteIfExists(dir);
		}
		return table;
	}

	/**
	 * Each orphan writes its exit time (ns) into a file named after its pid, then exits
	 * at once, but only after its launcher has exited: until then the orphan is still the
	 * launcher's child, and the launcher ({@code sh}) reaps its finished background jobs
	 * itself, so the reaper would never see it. A fixed sleep is not enough: forking
	 * 1,000 of them took longer than the 2 s each used to sleep even on an idle 2-core
	 * machine (20 to 60 s on a busy one), and every orphan that exited before the
	 * launcher was missing from the reaper's history. So each orphan reads its stdin, the
	 * launcher's stdin pipe, whose only write end this JVM holds and closes once the
	 * launcher has exited: every orphan is then a child of this JVM, and they all exit
	 * together.
	 */
	private static void orphans(Path dir, int count) throws Exception {
		String orphan = "sh -c 'read x; date +%s%N > " + dir + "/$$' <&3 &";
		// an asynchronous list's stdin is /dev/null unless redirected, hence fd 3
		String script = "exec 3<&0; i=0; while [ $i -lt " + count + " ]; do " + orphan + " i=$((i+1)); done; exit 0";
		Process launcher = new ProcessBuilder("sh", "-c", script).redirectOutput(Redirect.DISCARD)
			.redirectError(Redirect.DISCARD)
			.start();
		try (OutputStream release = launcher.getOutputStream()) {
			launcher.waitFor();
		}
	}

	/**
	 * The latencies of the orphans whose files are in {@code dir}, once all
	 * {@code expected} wrote theirs and were reaped, or none after 60 s; empties
	 * {@code dir} for the next phase either way. Only orphans reaped after {@code since}
	 * count: a pid of an earlier phase may have been reused.
	 */
	private static Stats latencies(OrphanReaper reaper, Path dir, int expected, Instant since) throws Exception {
		try {
			return awaitLatencies(reaper, dir, expected, since);
		}
		finally {
			try (var files = Files.list(dir)) {
				files.forEach((file) -> file.toFile().delete());
			}
		}
	}

	private static Stats awaitLatencies(OrphanReaper reaper, Path dir, int expected, Instant since) throws Exception {
		Map<Long, Long> exits = new HashMap<>();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			try (var files = Files.list(dir)) {
				for (Path file : (Iterable<Path>) files::iterator) {
					String content = Files.readString(file).trim();
					if (!content.isEmpty()) {
						exits.put(Long.parseLong(file.getFileName().toString()), Long.parseLong(content));
					}
				}
			}
			Map<Long, ReapedProcess> reaped = reapedSince(reaper, since);
			if (exits.size() >= expected && reaped.keySet().containsAll(exits.keySet())) {
				List<Double> millis = new ArrayList<>();
				for (Map.Entry<Long, Long> exit : exits.entrySet()) {
					Instant at = reaped.get(exit.getKey()).reapedAt();
					long reapedNanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
					millis.add((reapedNanos - exit.getValue()) / 1e6);
				}
				return Stats.of(millis);
			}
			Thread.sleep(50);
		}
		// says which side failed: orphans that never exited, or exits the reaper missed
		Map<Long, ReapedProcess> reaped = reapedSince(reaper, since);
		System.err.printf("orphans: %d of %d wrote their exit time, %d of those reaped (%d reaped in all)%n",
				exits.size(), expected, exits.keySet().stream().filter(reaped::containsKey).count(),
				reaper.status().reaped());
		return Stats.of(Collections.emptyList());
	}

	/** The reaper's history since an instant by pid, newest first wins. */
	private static Map<Long, ReapedProcess> reapedSince(OrphanReaper reaper, Instant since) {
		Map<Long, ReapedProcess> reaped = new HashMap<>();
		for (ReapedProcess process : reaper.history()) {
			if (!process.reapedAt().isBefore(since)) {
				reaped.putIfAbsent(process.pid(), process);
			}
		}
		return reaped;
	}

	/** 7. Shutdown with many live trees, a tenth ignoring SIGTERM. */
	Table shutdown() throws Exception {
		Duration grace = Duration.ofSeconds(2);
		int trees = this.size.shutdownTrees();
		Table table = new Table(
				"7. Shutdown with " + trees + " live trees, a tenth ignoring SIGTERM (grace period 2 s)", "trees",
				"processes", "shutdown took (ms)", "survivors");
		String marker = TestProcesses.marker();
		try (ManagedProcessFactory factory = ManagedProcessFactory.builder()
			.gracePeriod(grace)
			.maxConcurrent(trees + 10)
			.build()) {
			for (int i = 0; i < trees; i++) {
				String script = (i % 10 == 0) ? "trap '' TERM; sleep {m} & wait; wait" : "sleep {m} & wait";
				factory.command("sh", "-c", script.replace("{m}", marker)).discardOutput().start();
			}
			waitUntil(() -> TestProcesses.alive(marker).size() >= 2 * trees, 60_000);
			long start = System.nanoTime();
			factory.shutdown().get(120, TimeUnit.SECONDS);
			double took = millis(start);
			int survivors = TestProcesses.alive(marker).size();
			table.row(trees, 2 * trees, took, survivors);
			table.goal("about one grace period (" + Table.format(took) + " ms) and no survivor (" + survivors + ")",
					survivors == 0 && took < grace.toMillis() * 3);
		}
		finally {
			TestProcesses.killAll(marker);
		}
		return table;
	}

	/** 8. The endpoint's document with many live and finished processes. */
	Table endpoint() throws Exception {
		int count = this.size.endpointProcesses();
		Table table = new Table(
				"8. `/actuator/processes` document with " + count + " live and " + count
						+ " finished processes (ms per request, in process, before JSON)",
				"what", "requests", "median", "p99", "max");
		String marker = TestProcesses.marker();
		OperatingSystem os = OperatingSystem.current();
		try (ManagedProcessFactory factory = ManagedProcessFactory.builder()
			.historySize(count)
			.maxConcurrent(count + 10)
			.build(); OrphanReaper reaper = OrphanReaper.builder(os).mode(ReaperMode.NEVER).build()) {
			for (int i = 0; i < count; i++) {
				factory.command("/bin/true").run();
			}
			for (int i = 0; i < count; i++) {
				factory.command("sleep", marker).discardOutput().start();
			}
			ProcessesEndpoint endpoint = new ProcessesEndpoint(factory, reaper, List.of(), Show.NEVER);
			for (int i = 0; i < 3; i++) {
				endpoint.processes();
			}
			List<Double> millis = new ArrayList<>();
			for (int i = 0; i < this.size.endpointCalls(); i++) {
				long start = System.nanoTime();
				int live = endpoint.processes().live().size();
				millis.add(millis(start));
				if (live < count) {
					throw new IllegalStateException("endpoint listed " + live + " live processes of " + count);
				}
			}
			Stats stats = Stats.of(millis);
			table.row("document from the shared snapshot", stats.count(), stats.median(), stats.p99(), stats.max());
			// what a fresh snapshot costs: the one /proc pass (stat, command line,
			// descriptors of every member) that the shared snapshot spares most
			// requests
			List<Double> takes = new ArrayList<>();
			for (int i = 0; i < Math.max(3, this.size.endpointCalls() / 3); i++) {
				long start = System.nanoTime();
				ProcessOverview overview = ProcessOverview.take(factory, reaper);
				takes.add(millis(start));
				if (overview.managed().size() < count) {
					throw new IllegalStateException("overview listed " + overview.managed().size() + " of " + count);
				}
			}
			Stats taken = Stats.of(takes);
			table.row("fresh snapshot (one /proc pass)", taken.count(), taken.median(), taken.p99(), taken.max());
			table.goal("well under 100 ms (p99 " + Table.format(stats.p99()) + " ms)", stats.p99() < 100);
		}
		finally {
			TestProcesses.killAll(marker);
		}
		return table;
	}

	/**
	 * 9. Soak: many sequential runs with capture; threads, descriptors and heap at start,
	 * middle, end.
	 */
	Table soak() throws Exception {
		int runs = this.size.soakRuns();
		Table table = new Table("9. Soak: " + runs + " runs with capture, two callers at once", "point", "runs",
				"threads", "open descriptors", "heap after GC (MiB)");
		List<long[]> points = new ArrayList<>();
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			// the warm-up as the runs: two callers, so the start point already has what
			// two callers need
			runTwoAtOnce(factory, -100, -1);
			points.add(measure(0));
			runTwoAtOnce(factory, 1, runs / 2);
			points.add(measure(runs / 2));
			runTwoAtOnce(factory, runs / 2 + 1, runs);
			points.add(measure(runs));
		}
		String[] names = { "start", "middle", "end" };
		for (int i = 0; i < points.size(); i++) {
			long[] p = points.get(i);
			table.row(names[i], p[0], p[1], p[2], p[3] / (1024.0 * 1024));
		}
		long[] first = points.get(0);
		long[] last = points.get(points.size() - 1);
		table.goal(
				"no growth: threads " + first[1] + " -> " + last[1] + ", descriptors " + first[2] + " -> " + last[2]
						+ ", heap within 16 MiB",
				last[1] <= first[1] + 2 && last[2] <= first[2] && last[3] <= first[3] + 16L * 1024 * 1024);
		return table;
	}

	/**
	 * Runs {@code echo run i} for every {@code i} from {@code from} to {@code to}, two
	 * callers at once (one per core halves the soak's wall time), checking each output;
	 * returns once both callers have ended, after a short pause so that what the runs
	 * left settles.
	 */
	private static void runTwoAtOnce(ManagedProcessFactory factory, int from, int to) throws Exception {
		java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(from);
		java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			List<java.util.concurrent.Future<?>> done = new ArrayList<>();
			for (int caller = 0; caller < 2; caller++) {
				done.add(callers.submit(() -> {
					for (int i = next.getAndIncrement(); i <= to; i = next.getAndIncrement()) {
						ProcessResult result = factory.command("echo", "run " + i).run();
						if (!result.stdout().equals("run " + i + "\n")) {
							throw new IllegalStateException("wrong output at run " + i + ": " + result.stdout());
						}
					}
					return null;
				}));
			}
			for (java.util.concurrent.Future<?> each : done) {
				each.get();
			}
		}
		finally {
			callers.shutdown();
			callers.awaitTermination(1, TimeUnit.MINUTES);
		}
		Thread.sleep(200);
	}

	/**
	 * 10. The event-driven engine through the factory's public API: spawn and capture
	 * with {@code run()} (poll in the caller) and {@code start()} (the I/O loop) against
	 * raw {@link ProcessBuilder} with and without a reader thread, taking turns.
	 */
	Table engineCapture() throws Exception {
		// the factory's public API only: run() polls in the caller, start() + await()
		// goes through the I/O loop
		List<Supplier<Library>> paths = List.of(RawProcessBuilder::new, RawReaderThread::new, ManagedProcesses::new,
				ManagedProcesses::viaStart);
		// CPU time of this JVM per process: unlike throughput, it hardly moves with the
		// machine's load
		Map<String, List<Double>> cpu = new LinkedHashMap<>();
		Map<String, List<Double>> rates = alternate(paths, (library) -> {
			long cpuStart = processCpuNanos();
			long start = System.nanoTime();
			int runs = 0;
			do {
				String out = library.capture(List.of("seq", "1", "20000"));
				if (!out.endsWith("\n20000\n") || out.length() != 108894) {
					throw new IllegalStateException(library.name() + " captured " + out.length() + " chars");
				}
				runs++;
			}
			while (System.nanoTime() - start < this.size.slice().toNanos());
			cpu.computeIfAbsent(library.name(), (name) -> new ArrayList<>())
				.add((processCpuNanos() - cpuStart) / 1e3 / runs);
			return runs / seconds(start);
		});
		Table table = new Table(
				"10. The engine through the factory: spawn and capture `seq 1 20000` (pipes via /proc/self/fd)",
				"library", "processes/s (median)", "ratio to raw ProcessBuilder", "JVM CPU per process (µs, median)",
				"rounds");
		Map<String, Double> medians = new LinkedHashMap<>();
		rates.forEach((name, values) -> medians.put(name, Stats.of(values).median()));
		double raw = medians.get("raw ProcessBuilder");
		medians.forEach((name, median) -> table.row(name, median, median / raw, Stats.of(cpu.get(name)).median(),
				Stats.of(rates.get(name)).count()));
		table.goal("factory run() (the engine, poll in the caller) at least raw ProcessBuilder ("
				+ ratio(medians, "managed-processes") + ")", ratioOf(medians, "managed-processes") >= 1.0);
		// the factory used the engine, not a pump thread per process
		table.goal("factory on the engine path: " + ManagedProcesses.pumpThreadsSeen() + " output pump threads seen",
				!TestProcesses.linux() || ManagedProcesses.pumpThreadsSeen() == 0);
		return table;
	}

	private static long processCpuNanos() {
		java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.OperatingSystemMXBean sun) ? sun.getProcessCpuTime() : 0;
	}

	/**
	 * 11. Many running {@code sleep}s (each obeys SIGTERM) stopped one by one: until
	 * every result is reported, and retained heap per running process, the starter's
	 * {@code stop()} against raw {@code destroy()}.
	 */
	Table stopOneByOne() throws Exception {
		int count = this.size.concurrent();
		Table table = new Table(
				"11. " + count + " concurrent `sleep`s stopped one by one (until every result is reported)", "library",
				"all stopped and reported (ms)", "retained heap per running process (KiB)");
		double[] raw = stopRaw(count);
		table.row("raw ProcessBuilder, destroy()", raw[0], raw[1]);
		double[] managed = stopManaged(count);
		table.row("managed-processes, stop()", managed[0], managed[1]);
		table.goal("every result within raw + 200 ms (" + Table.format(managed[0]) + " <= " + Table.format(raw[0] + 200)
				+ " ms)", managed[0] <= raw[0] + 200);
		table.goal("retained heap per process at most 2 x raw (" + Table.format(managed[1]) + " <= "
				+ Table.format(2 * raw[1]) + " KiB)", managed[1] <= 2 * raw[1]);
		return table;
	}

	private double[] stopRaw(int count) throws Exception {
		String marker = TestProcesses.marker();
		try {
			long heapBefore = heapAfterGc();
			List<Process> processes = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				processes.add(new ProcessBuilder("sleep", marker).start());
			}
			waitUntil(() -> TestProcesses.alive(marker).size() >= count, 60_000);
			double heap = (heapAfterGc() - heapBefore) / 1024.0 / count;
			long start = System.nanoTime();
			List<java.util.concurrent.CompletableFuture<Process>> exits = new ArrayList<>();
			for (Process process : processes) {
				process.destroy();
				exits.add(process.onExit());
			}
			for (java.util.concurrent.CompletableFuture<Process> exit : exits) {
				exit.get(60, TimeUnit.SECONDS).exitValue();
			}
			return new double[] { millis(start), heap };
		}
		finally {
			TestProcesses.killAll(marker);
		}
	}

	private double[] stopManaged(int count) throws Exception {
		String marker = TestProcesses.marker();
		try (ManagedProcessFactory factory = ManagedProcessFactory.builder()
			.gracePeriod(Duration.ofSeconds(5))
			.maxConcurrent(count + 10)
			.build()) {
			factory.command("/bin/true").run();
			long heapBefore = heapAfterGc();
			List<dev.managedprocesses.ManagedProcess> processes = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				processes.add(factory.command("sleep", marker).start());
			}
			waitUntil(() -> TestProcesses.alive(marker).size() >= count, 60_000);
			double heap = (heapAfterGc() - heapBefore) / 1024.0 / count;
			long start = System.nanoTime();
			List<java.util.concurrent.CompletableFuture<ProcessResult>> results = new ArrayList<>();
			for (dev.managedprocesses.ManagedProcess process : processes) {
				results.add(process.stop());
			}
			for (java.util.concurrent.CompletableFuture<ProcessResult> result : results) {
				result.get(60, TimeUnit.SECONDS);
			}
			return new double[] { millis(start), heap };
		}
		finally {
			TestProcesses.killAll(marker);
		}
	}

	private static long heapAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(50);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * 12. {@code /actuator/processes} and {@code /actuator/health} over real HTTP, many
	 * clients at once.
	 */
	Table http() throws Exception {
		return HttpEndpointScenario.run(this.size);
	}

	/**
	 * 13. What one JNA call costs: direct mapping against a {@code Library} interface
	 * proxy.
	 */
	Table binding() {
		return BindingCost.run(this.size.bindingCalls());
	}

	/**
	 * Live threads other than the JDK's cached "process reaper" pool (shared by every
	 * library but NuProcess).
	 */
	private static int threadsOutsideJdkReaperPool() {
		return (int) Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !thread.getName().startsWith("process reaper"))
			.count();
	}

	private static long[] measure(long runs) {
		System.gc();
		System.gc();
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		return new long[] { runs, threadsOutsideJdkReaperPool(),
				TestProcesses.linux() ? TestProcesses.openFileDescriptors() : -1, heap };
	}

	interface Measurement {

		double measure(Library library) throws Exception;

	}

	/**
	 * Runs the measurement for every library, round after round, rotating the order each
	 * round.
	 */
	private Map<String, List<Double>> alternate(Measurement measurement) throws Exception {
		return alternate(peers(), measurement);
	}

	private Map<String, List<Double>> alternate(List<Supplier<Library>> suppliers, Measurement measurement)
			throws Exception {
		List<Library> libraries = new ArrayList<>();
		for (Supplier<Library> supplier : suppliers) {
			libraries.add(supplier.get());
		}
		Map<String, List<Double>> results = new LinkedHashMap<>();
		try {
			for (Library library : libraries) {
				results.put(library.name(), new ArrayList<>());
				measureOrReport(measurement, library);
			}
			// a new order every round (fixed seed: runs are comparable), and a pause
			// before each library, so
			// that none always follows the same neighbour and inherits its garbage or
			// lingering threads
			java.util.Random random = new java.util.Random(42);
			for (int round = 0; round < this.size.rounds(); round++) {
				List<Library> order = new ArrayList<>(libraries);
				Collections.shuffle(order, random);
				for (Library library : order) {
					settle();
					results.get(library.name()).add(measureOrReport(measurement, library));
				}
			}
		}
		finally {
			libraries.forEach(Library::close);
		}
		return results;
	}

	/**
	 * A library that fails (or hangs past its bound) gets NaN for the round instead of
	 * ending the run.
	 */
	private static double measureOrReport(Measurement measurement, Library library) {
		try {
			return measurement.measure(library);
		}
		catch (Exception ex) {
			System.err.println(library.name() + " failed a round: " + ex);
			return Double.NaN;
		}
	}

	interface Goal {

		void check(Table table, Map<String, Double> medians);

	}

	private static Table throughputTable(String title, Map<String, List<Double>> rates, Goal goal) {
		Table table = new Table(title, "library", "median", "ratio to raw ProcessBuilder", "rounds");
		Map<String, Double> medians = new LinkedHashMap<>();
		rates.forEach((name, values) -> medians.put(name, Stats.of(values).median()));
		double raw = medians.get("raw ProcessBuilder");
		medians.forEach((name, median) -> table.row(name, median, median / raw, Stats.of(rates.get(name)).count()));
		goal.check(table, medians);
		return table;
	}

	private static double ratioOf(Map<String, Double> medians, String name) {
		return medians.get(name) / medians.get("raw ProcessBuilder");
	}

	private static String ratio(Map<String, Double> medians, String name) {
		return "ratio " + Table.format(ratioOf(medians, name));
	}

	private static void settle() throws InterruptedException {
		System.gc();
		Thread.sleep(300);
	}

	private static long rssKiB() throws Exception {
		if (!TestProcesses.linux()) {
			return 0;
		}
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("\\D", ""));
			}
		}
		return 0;
	}

	static void waitUntil(java.util.function.BooleanSupplier condition, long timeoutMillis)
			throws InterruptedException {
		long deadline = System.currentTimeMillis() + timeoutMillis;
		while (!condition.getAsBoolean()) {
			if (System.currentTimeMillis() > deadline) {
				throw new IllegalStateException("condition not met within " + timeoutMillis + " ms");
			}
			Thread.sleep(20);
		}
	}

	private static double seconds(long startNanos) {
		return (System.nanoTime() - startNanos) / 1e9;
	}

	static double millis(long startNanos) {
		return (System.nanoTime() - startNanos) / 1e6;
	}

}
