package dev.managedprocesses.reaper;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessInfo;

/**
 * Finds an init that reaps orphans (tini, dumb-init, ...) running as PID 1 above this
 * JVM: then orphans of this JVM's children are not this JVM's problem (unless it is a
 * child subreaper).
 */
final class InitDetector {

	private static final Set<String> REAPING_INITS = Set.of("tini", "tini-static", "dumb-init", "catatonit",
			"docker-init", "s6-svscan", "runit", "runsvdir", "supervisord", "systemd", "init", "my_init");

	private InitDetector() {
	}

	static Optional<String> initAbove(OperatingSystem os) {
		if (os.isPidOne()) {
			return Optional.empty();
		}
		return os.process(1).map(ProcessInfo::command).flatMap(InitDetector::reapingInit);
	}

	static Optional<String> reapingInit(List<String> command) {
		if (command.isEmpty()) {
			return Optional.empty();
		}
		String executable = command.get(0);
		String name = executable.substring(executable.lastIndexOf('/') + 1);
		return REAPING_INITS.contains(name) ? Optional.of(name) : Optional.empty();
	}

}
