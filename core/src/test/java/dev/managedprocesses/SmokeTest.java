package dev.managedprocesses;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

	@Test
	void runs() throws Exception {
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			ProcessResult r = factory.command("sh", "-c", "echo hello; echo err >&2; exit 3").run();
			System.out.println(r + " out=" + r.stdout() + " err=" + r.stderr());
			assertThat(r.exitCode()).isEqualTo(3);
			assertThat(r.stdout()).isEqualTo("hello\n");
			long t0 = System.nanoTime();
			ManagedProcess p = factory.command("sh", "-c", "(sleep 300 &); trap '' TERM; sleep 300 & sleep 300; wait").gracePeriod(Duration.ofMillis(500)).start();
			Thread.sleep(300);
			System.out.println("desc " + p.descendants());
			ProcessResult s = p.stop().get();
			System.out.println(s + " " + (System.nanoTime() - t0) / 1e6);
			assertThat(s.killed()).isTrue();
		}
	}

}
