package dev.managedprocesses.reaper;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recognising an init that reaps orphans from PID 1's command line.
 */
class InitDetectorTests {

	@Test
	void recognisesReapingInits() {
		assertThat(InitDetector.reapingInit(List.of("/sbin/tini", "--", "java", "-jar", "app.jar"))).contains("tini");
		assertThat(InitDetector.reapingInit(List.of("/usr/bin/dumb-init", "java"))).contains("dumb-init");
		assertThat(InitDetector.reapingInit(List.of("catatonit", "-P"))).contains("catatonit");
		assertThat(InitDetector.reapingInit(List.of("/sbin/docker-init", "--", "java"))).contains("docker-init");
	}

	@Test
	void aJvmOrShellAsPidOneIsNoReapingInit() {
		assertThat(InitDetector.reapingInit(List.of("java", "-jar", "app.jar"))).isEmpty();
		assertThat(InitDetector.reapingInit(List.of("/bin/sh", "-c", "java -jar app.jar"))).isEmpty();
		assertThat(InitDetector.reapingInit(List.of())).isEmpty();
	}

}
