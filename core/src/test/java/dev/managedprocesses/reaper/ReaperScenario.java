package dev.managedprocesses.reaper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;

/**
 * Runs one reaper scenario in a JVM of its own (started by {@link ReaperTests} as a child
 * subreaper, or as PID 1 of a new PID namespace) and prints one line
 * {@code RESULT key=value ...} for the test to check.
 * <p>
 * {@code orphans N on|off}: a shell leaves N background helpers behind and exits, so they
 * are re-parented to this JVM; they wait on an {@link OrphanGate} until all of them are
 * counted, then sleep briefly and become its zombies; reports the zombies left and how
 * long reaping took.
 * <p>
 * {@code jdkpoll}: {@code ProcessHandle.of(G).onExit()} called while G is a grandchild
 * (the JDK then only polls whether G is alive), then G is orphaned to this JVM and exits:
 * the reaper must reap it, and {@code onExit()} must complete; reports both.
 * <p>
 * {@code exitcodes N plain|factory}: N children with varied exit codes, started from pool
 * threads and from short-lived threads, a third leaving an orphan, while the reaper
 * sweeps at a 10 ms interval, CPU burners run on every core and a thread forces full GCs;
 * reports how many exit codes were wrong.
 */
public final class ReaperScenario {

	private ReaperScenario() {
	}

	public static void main(String[] args) throws Exception {
		OperatingSystem os = OperatingSystem.current();
		if (!os.isPidOne() && !os.setChildSubreaper(true)) {
			System.out.println("RESULT error=cannot-become-subreaper");
			System.exit(2);
		}
		String result = switch (args[0]) {
			case "orphans" -> orphans(os, Integer.parseInt(args[1]), args[2].equals("on"));
			case "exitcodes" -> exitCodes(os, Integer.parseInt(args[1]), args[2].equals("factory"));
			case "watched" -> watched(os);
			case "jdkpoll" -> jdkPoll(os);
			default -> throw new IllegalArgumentException(args[0]);
		};
		System.out.println("RESULT " + result);
		System.out.flush();
		System.exit(0);
	}

	private static String orphans(OperatingSystem os, int count, boolean reaperOn) throws Exception {
		OrphanReaper reaper = OrphanReaper.builder(os)
			.mode(reaperOn ? ReaperMode.ALWAYS : ReaperMode.NEVER)
			.historySize(10)
			.build();
		reaper.start();
		// the orphans block on a fifo that this JVM holds open for writing, so they all
		// exist (and are all
		// orphaned once the maker exits) however slowly the maker forks; closing the gate
		// releases them
		OrphanGate gate = OrphanGate.open();
		Process maker = new ProcessBuilder("sh", "-c", "exec 4<'" + gate.path() + "'; i=0; while [ $i -lt " + count
				+ " ]; do ( read _ <&4; exec sleep 0.2 ) & i=$((i+1)); done; exit 0")
			.start();
		int makerExit = maker.waitFor();
		long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (liveChildren(os) < count && System.nanoTime() < waitUntil) {
			Thread.sleep(20);
		}
		int orphaned = liveChildren(os);
		gate.release();
		// wait until every orphan has exited (each is then a zombie or already reaped),
		// and time from there
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (liveChildren(os) > 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		long start = System.nanoTime();
		int zombies = zombieChildren(os);
		if (reaperOn) {
			deadline = start + TimeUnit.SECONDS.toNanos(10);
			while (zombies > 0 && System.nanoTime() < deadline) {
				Thread.sleep(10);
				zombies = zombieChildren(os);
			}
		}
		else {
			Thread.sleep(500);
			zombies = zombieChildren(os);
		}
		long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		long reaped = reaper.status().reaped();
		String firstCommand = firstCommand(reaper);
		reaper.close();
		return "makerExit=" + makerExit + " orphaned=" + orphaned + " zombies=" + zombies + " reaped=" + reaped
				+ " tookMs=" + tookMs + " command=" + firstCommand;
	}

	/**
	 * A grandchild seen alive under its parent, then orphaned: reaped at once, well
	 * before a minimum age of 5 s, with the command it had while alive.
	 */
	private static String watched(OperatingSystem os) throws Exception {
		OrphanReaper reaper = OrphanReaper.builder(os)
			.mode(ReaperMode.ALWAYS)
			.minimumAge(Duration.ofSeconds(5))
			.build();
		reaper.start();
		// the grandchild (cat) runs until the gate is released; its parent until its
		// stdin closes: the parent
		// is let go once the reaper has watched the grandchild, whatever the machine's
		// speed
		OrphanGate gate = OrphanGate.open();
		Process parent = new ProcessBuilder("sh", "-c",
				"exec 4<'" + gate.path() + "'; cat <&4 >/dev/null & echo $!; exec 4<&-; read _; exit 0")
			.start();
		long grandchild;
		try (java.io.BufferedReader reader = new java.io.BufferedReader(
				new java.io.InputStreamReader(parent.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
			grandchild = Long.parseLong(reader.readLine().trim());
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!reaper.watches(grandchild) && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		parent.getOutputStream().close();
		parent.waitFor();
		gate.release();
		long orphanExit = System.nanoTime();
		deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (reaper.status().reaped() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		long afterExitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - orphanExit);
		String command = firstCommand(reaper);
		String result = "reaped=" + reaper.status().reaped() + " afterExitMs=" + afterExitMs + " command=" + command
				+ " zombies=" + zombieChildren(os);
		reaper.close();
		return result;
	}

	private static String jdkPoll(OperatingSystem os) throws Exception {
		OrphanReaper reaper = OrphanReaper.builder(os).mode(ReaperMode.ALWAYS).build();
		reaper.start();
		OrphanGate gate = OrphanGate.open();
		// G waits on the gate; its parent waits for its stdin to close: no step depends
		// on timing
		Process parent = new ProcessBuilder("sh", "-c",
				"exec 4<'" + gate.path() + "'; ( read _ <&4; exit 5 ) & echo $!; exec 4<&-; read _; exit 0")
			.start();
		long grandchild;
		try (java.io.BufferedReader reader = new java.io.BufferedReader(
				new java.io.InputStreamReader(parent.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
			grandchild = Long.parseLong(reader.readLine().trim());
			java.util.concurrent.CompletableFuture<ProcessHandle> onExit = ProcessHandle.of(grandchild)
				.orElseThrow()
				.onExit();
			String threadName = "process reaper (pid " + grandchild + ")";
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (!polling(threadName) && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			boolean wasPolling = polling(threadName);
			parent.getOutputStream().close();
			int parentExit = parent.waitFor();
			// G is now an orphan of this JVM, still alive; let it exit
			gate.release();
			boolean completed;
			try {
				onExit.get(60, TimeUnit.SECONDS);
				completed = true;
			}
			catch (java.util.concurrent.TimeoutException ex) {
				completed = false;
			}
			String command = firstCommand(reaper);
			int exitValue = reaper.history().isEmpty() ? -1 : reaper.history().get(0).exitValue();
			String result = "polling=" + wasPolling + " parentExit=" + parentExit + " onExitCompleted=" + completed
					+ " reaped=" + reaper.status().reaped() + " exitValue=" + exitValue + " zombies="
					+ zombieChildren(os) + " command=" + command;
			reaper.close();
			return result;
		}
	}

	/** The command of the newest reaped orphan, as one token for the RESULT line. */
	private static String firstCommand(OrphanReaper reaper) {
		return reaper.history().isEmpty() ? "none"
				: String.join("_", reaper.history().get(0).command()).replaceAll("\\s", "_");
	}

	private static boolean polling(String threadName) {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.anyMatch((entry) -> entry.getKey().getName().equals(threadName)
					&& JdkWaiters.isPollingNonChild(entry.getValue()));
	}

	private static String exitCodes(OperatingSystem os, int count, boolean throughFactory) throws Exception {
		ManagedProcessFactory factory = ManagedProcessFactory.builder().historySize(0).build();
		OrphanReaper reaper = OrphanReaper.builder(os)
			.mode(ReaperMode.ALWAYS)
			.sweepInterval(Duration.ofMillis(10))
			.owned(factory::isManaged)
			.build();
		reaper.start();
		AtomicBoolean running = new AtomicBoolean(true);
		List<Thread> load = new ArrayList<>();
		for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
			load.add(daemon(() -> {
				long x = 0;
				while (running.get()) {
					x += ThreadLocalRandom.current().nextInt();
				}
				return x;
			}, "cpu-burner-" + i));
		}
		load.add(daemon(() -> {
			while (running.get()) {
				byte[][] garbage = new byte[64][];
				for (int i = 0; i < garbage.length; i++) {
					garbage[i] = new byte[64 * 1024];
				}
				System.gc();
				Thread.sleep(100);
			}
			return null;
		}, "gc-forcer"));
		AtomicInteger wrong = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int expected = 1 + (i % 120);
			boolean orphan = i % 3 == 0;
			String script = orphan ? "sleep 0.0" + (1 + i % 5) + " & exit " + expected : "exit " + expected;
			Runnable task = () -> check(factory, throughFactory, script, expected, wrong, done);
			if (i % 2 == 0) {
				futures.add(pool.submit(task));
			}
			else {
				// a short-lived thread: its children move to the leader thread when it
				// exits
				futures.add(pool.submit(() -> {
					Thread spawner = new Thread(task, "short-lived-spawner");
					spawner.start();
					try {
						spawner.join();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}));
			}
		}
		for (Future<?> future : futures) {
			future.get();
		}
		pool.shutdown();
		running.set(false);
		for (Thread thread : load) {
			thread.join();
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while ((zombieChildren(os) > 0 || liveChildren(os) > 0) && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		String result = "wrong=" + wrong.get() + " total=" + done.get() + " zombies=" + zombieChildren(os) + " alive="
				+ liveChildren(os) + " reaped=" + reaper.status().reaped();
		reaper.close();
		factory.close();
		return result;
	}

	private static void check(ManagedProcessFactory factory, boolean throughFactory, String script, int expected,
			AtomicInteger wrong, AtomicInteger done) {
		try {
			int actual;
			if (throughFactory) {
				actual = factory.command("sh", "-c", script).discardOutput().run().exitCode();
			}
			else {
				Process process = new ProcessBuilder("sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.redirectError(ProcessBuilder.Redirect.DISCARD)
					.start();
				actual = process.waitFor();
			}
			if (actual != expected) {
				wrong.incrementAndGet();
				System.out.println("WRONG expected " + expected + " got " + actual);
			}
			done.incrementAndGet();
		}
		catch (Exception ex) {
			wrong.incrementAndGet();
			ex.printStackTrace(System.out);
		}
	}

	private static Thread daemon(java.util.concurrent.Callable<?> body, String name) {
		Thread thread = new Thread(() -> {
			try {
				body.call();
			}
			catch (Exception ex) {
				// load generators end with the scenario
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	static int zombieChildren(OperatingSystem os) {
		long self = os.currentPid();
		return (int) ProcessTable.read(os).children(self).stream().filter(ProcessInfo::isZombie).count();
	}

	static int liveChildren(OperatingSystem os) {
		long self = os.currentPid();
		return (int) ProcessTable.read(os).children(self).stream().filter(ProcessInfo::isAlive).count();
	}

}
