package dev.managedprocesses.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks at a PID namespace from the host's {@code /proc}: which processes are in it, and
 * which of them are zombies. A namespace is named by the target of
 * {@code /proc/PID/ns/pid}.
 */
final class PidNamespaces {

	private PidNamespaces() {
	}

	static String namespaceOf(long pid) throws IOException {
		return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "ns", "pid")).toString();
	}

	/** The kernel state letters of every process in the namespace (Z for a zombie). */
	static List<Character> states(String namespace) throws IOException {
		List<Character> states = new ArrayList<>();
		try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
			for (Path dir : (Iterable<Path>) entries::iterator) {
				if (!dir.getFileName().toString().chars().allMatch(Character::isDigit)) {
					continue;
				}
				try {
					if (Files.readSymbolicLink(dir.resolve("ns/pid")).toString().equals(namespace)) {
						String stat = Files.readString(dir.resolve("stat"));
						states.add(stat.charAt(stat.lastIndexOf(')') + 2));
					}
				}
				catch (IOException ex) {
					// gone while we looked
				}
			}
		}
		return states;
	}

	static long zombies(String namespace) throws IOException {
		return states(namespace).stream().filter((state) -> state == 'Z').count();
	}

}
