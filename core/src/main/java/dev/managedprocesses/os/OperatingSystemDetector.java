package dev.managedprocesses.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Picks the {@link OperatingSystem} implementation once per JVM.
 */
final class OperatingSystemDetector {

	static final OperatingSystem CURRENT = detect();

	private OperatingSystemDetector() {
	}

	private static OperatingSystem detect() {
		String name = System.getProperty("os.name", "unknown");
		if (name.toLowerCase(Locale.ROOT).startsWith("linux") && Files.isReadable(Path.of("/proc/self/stat"))) {
			return new LinuxOperatingSystem(LinuxNative.load());
		}
		return new PortableOperatingSystem();
	}

}
