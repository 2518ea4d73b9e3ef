package dev.managedprocesses.os;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProcFs} parsing {@code stat} lines in place, on files laid out as {@code /proc}
 * has them (the live kernel's are read in {@link ProcFsAndSignalTests}): names with
 * spaces and parentheses, and lines that are cut short.
 */
class ProcFsStatTests {

	@TempDir
	Path root;

	@Test
	void readsTheFieldsAfterTheLastParenthesisOfTheName() throws Exception {
		// fields 14/15 utime/stime 7 and 5 ticks, 20 num_threads 3, 22 starttime 4242,
		// 24 rss 10 pages
		stat(321, "321 (a) b (c)) S 17 321 321 0 -1 4194560 100 0 0 0 7 5 0 0 20 0 3 0 4242 1000 10 "
				+ "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
		ProcessInfo info = new ProcFs(this.root.toString()).process(321, false).orElseThrow();
		assertThat(info.command()).containsExactly("a) b (c)");
		assertThat(info.state()).isEqualTo('S');
		assertThat(info.parentPid()).isEqualTo(17);
		assertThat(info.startTime()).isEqualTo(4242);
		assertThat(info.usage().cpuNanos()).isEqualTo(12 * 10_000_000L);
		assertThat(info.usage().threads()).isEqualTo(3);
		assertThat(info.usage().rssBytes()).as("10 pages of the common size").isEqualTo(10 * 4096L);
	}

	@Test
	void aZombieKeepsTheKernelNameAndALineCutShortIsNoProcess() throws Exception {
		stat(400, "400 (sleep) Z 1 400 400 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n");
		stat(401, "401 (sleep) S 1 400 400\n");
		stat(402, "402 sleep S 1 400 400 0 -1 4227148 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0\n");
		ProcFs procFs = new ProcFs(this.root.toString());
		ProcessInfo zombie = procFs.process(400, true).orElseThrow();
		assertThat(zombie.isZombie()).isTrue();
		assertThat(zombie.command()).containsExactly("sleep");
		assertThat(zombie.startTime()).isEqualTo(99);
		assertThat(procFs.process(401, false)).as("too few fields").isEmpty();
		assertThat(procFs.process(402, false)).as("no name in parentheses").isEmpty();
		assertThat(procFs.process(403, false)).as("no such process").isEmpty();
	}

	private void stat(long pid, String line) throws Exception {
		Path dir = Files.createDirectories(this.root.resolve(Long.toString(pid)));
		Files.write(dir.resolve("stat"), line.getBytes(StandardCharsets.UTF_8));
	}

}
