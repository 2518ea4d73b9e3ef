package dev.managedprocesses;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A long run ends with the threads and file descriptors it began with.
 */
class LeakTests {

	@Test
	void tenThousandSequentialRunsLeakNoThreadOrDescriptor() throws Exception {
		assumeTrue(TestProcesses.linux(), "counting descriptors reads /proc/self/fd, which needs Linux");
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			// warm up: the JDK's process reaper pool and our scheduler exist from here on
			for (int i = 0; i < 20; i++) {
				factory.command("true").timeout(Duration.ofSeconds(30)).run();
			}
			List<String> threadsBefore = threadsExceptJdkReapers();
			long jdkReapersBefore = jdkReaperThreads();
			long fdsBefore = TestProcesses.openFileDescriptors();
			for (int i = 0; i < 10_000; i++) {
				ProcessResult result = factory.command("sh", "-c", "echo " + i).timeout(Duration.ofSeconds(30)).run();
				assertThat(result.stdout()).isEqualTo(i + "\n");
			}
			assertThat(factory.processes()).isEmpty();
			assertThat(factory.history()).hasSize(100);
			// output threads end right after their process; allow them a moment to be
			// gone
			await().pollInSameThread()
				.atMost(10, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(threadsExceptJdkReapers()).isSubsetOf(threadsBefore));
			// the JDK keeps its own "process reaper" threads in a cached pool (idle for
			// up to 60 s, so earlier
			// tests in this JVM may have left many): one more may be alive when a spawn
			// came before the
			// previous reaper finished, but they do not grow with the number of runs
			assertThat(jdkReaperThreads()).isLessThanOrEqualTo(jdkReapersBefore + 2);
			assertThat(TestProcesses.openFileDescriptors()).isEqualTo(fdsBefore);
		}
	}

	private static List<String> threadsExceptJdkReapers() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> !name.startsWith("process reaper"))
			.sorted()
			.toList();
	}

	private static long jdkReaperThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((t) -> t.getName().startsWith("process reaper"))
			.count();
	}

}
