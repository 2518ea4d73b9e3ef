package dev.managedprocesses.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds test processes by a unique marker in their command line, from {@code /proc}.
 */
final class ProcessAssertions {

	private ProcessAssertions() {
	}

	static List<Long> pidsWithMarker(String marker) {
		List<Long> pids = new ArrayList<>();
		try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
			entries.filter((entry) -> entry.getFileName().toString().chars().allMatch(Character::isDigit))
				.forEach((entry) -> {
					try {
						String cmdline = new String(Files.readAllBytes(entry.resolve("cmdline")),
								StandardCharsets.UTF_8);
						if (cmdline.contains(marker)) {
							pids.add(Long.parseLong(entry.getFileName().toString()));
						}
					}
					catch (IOException ex) {
						// the process is gone
					}
				});
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return pids;
	}

	static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	/** Kills leftovers of a failed test, by pid, so that no test leaks processes. */
	static void killLeftovers(String marker) {
		for (long pid : pidsWithMarker(marker)) {
			ProcessHandle.of(pid).ifPresent((handle) -> {
				handle.descendants().forEach(ProcessHandle::destroyForcibly);
				handle.destroyForcibly();
			});
		}
	}

}
