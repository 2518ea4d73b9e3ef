package dev.managedprocesses;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.managedprocesses.os.OperatingSystem;

/**
 * What {@code start()} checks before anything starts, against the file system and the
 * spec as a whole (each builder argument was checked when it was set): the working
 * directory, the input file, that line callbacks have a piped stream, and the executable.
 * Each failure is a {@link ProcessStartException} naming what is wrong, thrown before a
 * permit is taken or a process spawned.
 */
final class StartPreconditions {

	/**
	 * Past this many distinct executables the cache starts over: a bound, not a policy
	 * (applications run a handful).
	 */
	private static final int MAX_CACHED = 256;

	private final OperatingSystem os;

	/**
	 * Executables found before, by how the command names them (a bare name or an absolute
	 * path): the PATH search costs a stat per directory up to the match (the JVM's PATH
	 * never changes), where the check of a cached file is one {@code access()}. A file
	 * gone since falls back to the full search and its clear message.
	 */
	private final Map<String, Path> found = new ConcurrentHashMap<>();

	StartPreconditions(OperatingSystem os) {
		this.os = os;
	}

	void check(ProcessSpec spec) {
		List<String> command = spec.command();
		spec.directory().ifPresent((directory) -> {
			if (!Files.isDirectory(directory)) {
				String problem = Files.exists(directory) ? "is not a directory" : "does not exist";
				throw new ProcessStartException(command, "working directory " + directory + " " + problem, null);
			}
		});
		spec.input().file().ifPresent((file) -> {
			if (!Files.isReadable(file)) {
				throw new ProcessStartException(command, "input file " + file + " is not readable", null);
			}
		});
		if ((spec.outputLines().isPresent() || spec.logOutput()) && !spec.output().isCaptured()) {
			throw new ProcessStartException(command, "output line callbacks or logging need standard output piped, but"
					+ " it goes to " + spec.output() + "; capture it (captureOutput) or drop the callback", null);
		}
		if (spec.errorLines().isPresent() && !spec.error().isCaptured()) {
			throw new ProcessStartException(command, "error line callbacks need standard error piped, but it goes to "
					+ spec.error() + "; capture it (captureOutput or redirectError(OutputDestination.capture(...)))",
					null);
		}
		if (spec.logOutput() && !spec.error().isCaptured() && !spec.error().isMergedIntoOutput()) {
			throw new ProcessStartException(command,
					"logging needs standard error piped or merged into output, but it" + " goes to " + spec.error(),
					null);
		}
		checkExecutable(command, spec.directory());
	}

	/**
	 * Finds the executable as the JDK will (on this JVM's PATH), to fail with a clear
	 * message.
	 */
	private void checkExecutable(List<String> command, Optional<Path> directory) {
		if (!this.os.findsExecutablesLikePosix()) {
			return;
		}
		String executable = command.get(0);
		boolean cacheable = executable.indexOf('/') < 0 || executable.startsWith("/");
		if (cacheable) {
			Path known = this.found.get(executable);
			if (known != null) {
				if (Files.isExecutable(known)) {
					return;
				}
				this.found.remove(executable);
			}
		}
		Path path = find(command, executable, directory);
		if (cacheable) {
			if (this.found.size() >= MAX_CACHED) {
				this.found.clear();
			}
			this.found.put(executable, path);
		}
	}

	/** The full search; answers the executable file or throws naming what is wrong. */
	private static Path find(List<String> command, String executable, Optional<Path> directory) {
		if (executable.indexOf('/') >= 0) {
			Path path = Path.of(executable);
			if (!path.isAbsolute() && directory.isPresent()) {
				// the JDK changes to the child's directory before exec, so a relative
				// path starts there
				path = directory.get().resolve(path);
			}
			if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
				throw new ProcessStartException(command, "executable " + executable
						+ (Files.exists(path) ? " is not an executable file" : " does not exist"), null);
			}
			return path;
		}
		String pathVariable = Objects.requireNonNullElse(System.getenv("PATH"), "");
		for (String dir : pathVariable.split(File.pathSeparator)) {
			Path candidate = Path.of(dir.isEmpty() ? "." : dir, executable);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new ProcessStartException(command,
				"executable '" + executable + "' not found on PATH (" + pathVariable + ")", null);
	}

}
