package dev.managedprocesses;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything needed to start one process, as {@link ManagedProcessBuilder} described it
 * at {@code start()}: immutable, checked argument by argument, and consumed by
 * {@link ProcessLauncher}.
 *
 * @param command the executable and its arguments
 * @param name the label (the executable's file name unless set)
 * @param directory the working directory, or empty for this JVM's
 * @param environment variables to set
 * @param inheritEnvironment whether the child starts with this JVM's environment
 * @param timeout when to stop the tree, or empty for never
 * @param gracePeriod how long the tree may take after {@code SIGTERM}
 * @param input what standard input reads
 * @param output where standard output goes
 * @param error where standard error goes ({@link OutputDestination#MERGED_INTO_OUTPUT}
 * possible)
 * @param outputLines a callback per line of standard output, if any
 * @param errorLines a callback per line of standard error, if any
 * @param logOutput whether lines are logged through SLF4J
 * @param charset the charset of the output
 * @param stopSignal the signal that starts a graceful stop of the tree
 */
record ProcessSpec(List<String> command, String name, Optional<Path> directory, Map<String, String> environment,
		boolean inheritEnvironment, Optional<Duration> timeout, Duration gracePeriod, Input input,
		OutputDestination output, OutputDestination error, Optional<Consumer<String>> outputLines,
		Optional<Consumer<String>> errorLines, boolean logOutput, Charset charset,
		dev.managedprocesses.os.Signal stopSignal) {

	ProcessSpec {
		command = List.copyOf(command);
		environment = Map.copyOf(environment);
	}

	/**
	 * What standard input reads: nothing (closed at start), bytes, or a file.
	 *
	 * @param bytes the bytes, if given
	 * @param file the file, if given
	 */
	record Input(Optional<byte[]> bytes, Optional<Path> file) {

		static final Input NONE = new Input(Optional.empty(), Optional.empty());

		boolean isNone() {
			return this.bytes.isEmpty() && this.file.isEmpty();
		}

	}

}
