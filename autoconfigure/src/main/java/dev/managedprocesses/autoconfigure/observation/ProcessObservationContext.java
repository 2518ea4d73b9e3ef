package dev.managedprocesses.autoconfigure.observation;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.ProcessStartException;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * The {@link io.micrometer.observation.Observation.Context} of one managed process, from
 * just before its spawn to its end. A {@link SenderContext}: calling a child process is a
 * call out of this application, so with Micrometer Tracing the span is a client span, and
 * the tracing propagator writes the trace context of that span into the
 * {@link #getCarrier() carrier}, from where it may be passed to the child's environment
 * (see {@code managed-processes.tracing.propagate}).
 */
public class ProcessObservationContext extends SenderContext<Map<String, String>> {

	private final String processName;

	private final List<String> command;

	private final @Nullable Path directory;

	private volatile @Nullable Long pid;

	private volatile @Nullable ProcessResult result;

	private volatile @Nullable ProcessStartException startFailure;

	/**
	 * Creates the context of a process about to start.
	 * @param processName the process's name
	 * @param command the command, executable first
	 * @param directory the working directory, or {@code null} for this JVM's
	 */
	public ProcessObservationContext(String processName, List<String> command, @Nullable Path directory) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		}, Kind.CLIENT);
		this.processName = processName;
		this.command = List.copyOf(command);
		this.directory = directory;
		setCarrier(new LinkedHashMap<>());
		setRemoteServiceName(processName);
	}

	/**
	 * The process's name.
	 * @return the name
	 */
	public String getProcessName() {
		return this.processName;
	}

	/**
	 * The full command, unsanitized: a convention decides what of it to show.
	 * @return the command, executable first
	 */
	public List<String> getCommand() {
		return this.command;
	}

	/**
	 * The working directory.
	 * @return the directory, or empty for this JVM's
	 */
	public Optional<Path> getDirectory() {
		return Optional.ofNullable(this.directory);
	}

	/**
	 * The pid, once spawned.
	 * @return the pid, or empty before the spawn and when the start failed
	 */
	public Optional<Long> getPid() {
		return Optional.ofNullable(this.pid);
	}

	void setPid(long pid) {
		this.pid = pid;
	}

	/**
	 * The result, once finished.
	 * @return the result, or empty while it runs and when the start failed
	 */
	public Optional<ProcessResult> getResult() {
		return Optional.ofNullable(this.result);
	}

	void setResult(ProcessResult result) {
		this.result = result;
	}

	/**
	 * Why the operating system refused to start the process.
	 * @return the failure, or empty when it started
	 */
	public Optional<ProcessStartException> getStartFailure() {
		return Optional.ofNullable(this.startFailure);
	}

	void setStartFailure(ProcessStartException startFailure) {
		this.startFailure = startFailure;
	}

}
