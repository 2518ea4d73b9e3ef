package dev.managedprocesses.autoconfigure.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;
import dev.managedprocesses.reaper.OrphanReaper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, item 5: health tells the truth while the reaper works. With the default
 * configuration (the JVM a child subreaper, the reaper on), a stream of short-lived
 * orphans keeps zombies present that are all younger than the reaper's minimum age:
 * health stays UP. With the reaper off, a zombie older than that age makes it DOWN.
 * Through the application context and the {@code processes} health indicator bean.
 */
class HealthContractTests {

	private static final OperatingSystem os = OperatingSystem.current();

	private final String marker = TestProcesses.marker();

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void needsLinux() {
		assumeTrue(os.canReap(), "zombies and the subreaper need Linux with /proc and JNA");
	}

	@AfterEach
	void cleanUp() {
		if (this.context != null) {
			this.context.close();
		}
		TestProcesses.killAll(this.marker);
		reapZombies();
	}

	@AfterAll
	static void subreaperOff() {
		os.setChildSubreaper(false);
	}

	private HealthIndicator health(String... properties) {
		this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties(properties)
			.run();
		return this.context.getBean("processesHealthIndicator", HealthIndicator.class);
	}

	/**
	 * Issue 10 item 5: default configuration; a managed loop leaves a short-lived orphan
	 * every 100 ms, so several zombies are always present, each younger than the reaper's
	 * minimum age: health stays UP for the whole stream (checked every 100 ms for 5 s),
	 * while the reaper keeps reaping.
	 */
	@Test
	void streamOfYoungZombiesKeepsHealthUpWhileTheReaperWorks() throws Exception {
		HealthIndicator indicator = health("management.health.processes.enabled=true");
		OrphanReaper reaper = this.context.getBean(OrphanReaper.class);
		assumeTrue(reaper.status().active(), "the default reaper must run here: " + reaper.status());
		ManagedProcessFactory factory = this.context.getBean(ManagedProcessFactory.class);
		ManagedProcess loop = factory
			.command("sh", "-c", "while :; do sh -c 'sleep 0.05 &'; sleep 0.1; done", this.marker)
			.start();
		try {
			await().atMost(20, TimeUnit.SECONDS).until(() -> zombieChildren().size() >= 3);
			long reapedBefore = reaper.status().reaped();
			List<String> downs = new ArrayList<>();
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (System.nanoTime() - end < 0) {
				Health health = indicator.health(true);
				if (!Status.UP.equals(health.getStatus())) {
					downs.add(health.getStatus() + " " + health.getDetails());
				}
				Thread.sleep(100);
			}
			assertThat(reaper.status().reaped()).as("the reaper kept reaping").isGreaterThan(reapedBefore);
			assertThat(downs).as("health checks that were not UP while young zombies came and went").isEmpty();
		}
		finally {
			loop.kill().get(30, TimeUnit.SECONDS);
		}
	}

	/**
	 * Issue 10 item 5: with the reaper off (mode never), a zombie older than the reaper's
	 * minimum age turns health DOWN.
	 */
	@Test
	void oldZombieWithTheReaperOffIsDown() throws Exception {
		HealthIndicator indicator = health("managed-processes.reaper.mode=never", "managed-processes.subreaper=true",
				"managed-processes.reaper.minimum-age=500ms");
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		long zombie = makeZombie();
		Thread.sleep(600);
		await().atMost(10, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS).untilAsserted(() -> {
			Health health = indicator.health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(((Number) health.getDetails().get("zombies")).longValue()).isGreaterThanOrEqualTo(1);
		});
		assertThat(zombieChildren()).contains(zombie);
	}

	/**
	 * A real zombie child of this JVM: an orphan re-parented to it (subreaper) that
	 * exits, unreaped.
	 */
	private long makeZombie() throws Exception {
		Process shell = new ProcessBuilder("sh", "-c", "sleep 0.2 & echo $!", this.marker).start();
		long orphan = Long.parseLong(new String(shell.getInputStream().readAllBytes()).trim());
		shell.waitFor();
		await().atMost(5, TimeUnit.SECONDS).until(() -> os.process(orphan).map(ProcessInfo::isZombie).orElse(false));
		return orphan;
	}

	private static List<Long> zombieChildren() {
		return ProcessTable.read(os)
			.children(os.currentPid())
			.stream()
			.filter(ProcessInfo::isZombie)
			.map(ProcessInfo::pid)
			.toList();
	}

	/**
	 * Cleanup: every java.lang.Process of these tests has been waited for, so zombies
	 * left are orphans.
	 */
	private static void reapZombies() {
		for (long pid : zombieChildren()) {
			os.reap(pid);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
