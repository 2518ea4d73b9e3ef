package dev.managedprocesses;

import java.time.Duration;
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
			int threadsBefore = Thread.activeCount();
			long fdsBefore = TestProcesses.openFileDescriptors();
			for (int i = 0; i < 10_000; i++) {
				ProcessResult result = factory.command("sh", "-c", "echo " + i)
					.timeout(Duration.ofSeconds(30))
					.run();
				assertThat(result.stdout()).isEqualTo(i + "\n");
			}
			assertThat(factory.processes()).isEmpty();
			assertThat(factory.history()).hasSize(100);
			// output threads end right after their process; allow them a moment to be gone
			await().atMost(10, TimeUnit.SECONDS)
				.untilAsserted(() -> assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore));
			assertThat(TestProcesses.openFileDescriptors()).isEqualTo(fdsBefore);
		}
	}

}
