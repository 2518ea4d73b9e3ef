package dev.managedprocesses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Finds and cleans up test processes by a unique marker in their command line (never by
 * name). The marker is a number, so it can be a {@code sleep} duration:
 * {@code sleep 300.12345678} is findable and harmless.
 */
public final class TestProcesses {

	private TestProcesses() {
	}

	/** A unique sleep duration, about 300 s, that marks the processes of one test. */
	public static String marker() {
		return "300." + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
	}

	public static boolean linux() {
		return Files.isDirectory(Path.of("/proc/self"));
	}

	/** Pids of live (not zombie) processes whose command line contains the marker. */
	public static List<Long> alive(String marker) {
		List<Long> pids = new ArrayList<>();
		try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
			entries.forEach((dir) -> {
				String name = dir.getFileName().toString();
				if (!name.chars().allMatch(Character::isDigit)) {
					return;
				}
				try {
					String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
					if (cmdline.contains(marker) && !isZombie(dir)) {
						pids.add(Long.parseLong(name));
					}
				}
				catch (IOException ex) {
					// the process ended while we looked
				}
			});
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return pids;
	}

	private static boolean isZombie(Path dir) throws IOException {
		String stat = Files.readString(dir.resolve("stat"));
		return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
	}

	/** Cleanup: SIGKILL to every live process carrying the marker, by pid. */
	public static void killAll(String marker) {
		for (long pid : alive(marker)) {
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
	}

	public static long openFileDescriptors() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
