package dev.managedprocesses.autoconfigure.observation;

import java.util.List;

import dev.managedprocesses.ProcessResult;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link ProcessObservationConvention}: the observation {@value #NAME}, named
 * for spans {@code process <name>}.
 * <p>
 * Low-cardinality key values (timer tags, as on the {@code managed.processes.duration}
 * timer):
 * <ul>
 * <li>{@code name}: the process's name;</li>
 * <li>{@code outcome}: {@code EXITED}, {@code TIMED_OUT}, {@code STOPPED} (see
 * {@link dev.managedprocesses.ProcessOutcome}), {@code START_FAILED} when the operating
 * system refused the start, or {@code UNKNOWN} while it runs.</li>
 * </ul>
 * High-cardinality key values (span attributes, named after the OpenTelemetry semantic
 * conventions for processes): {@code process.pid}, {@code process.command_line} (the
 * executable, then one {@code ******} per argument: arguments may hold secrets, masked as
 * the {@code processes} endpoint masks them when values are not shown), and
 * {@code process.exit.code} once it exited.
 * <p>
 * A non-zero exit code is a result, not an error (as in {@link ProcessResult}); only a
 * start failure is recorded as the observation's error.
 */
public class DefaultProcessObservationConvention implements ProcessObservationConvention {

	/**
	 * The observation's name: under the {@code managed.processes} prefix of the starter's
	 * meters (one switch, {@code management.observations.enable.managed.processes}, turns
	 * them all off), and not {@code managed.processes.duration}, which the metrics
	 * already register with other tags.
	 */
	public static final String NAME = "managed.processes.execution";

	/** The outcome of a process the operating system refused to start. */
	public static final String START_FAILED = "START_FAILED";

	private static final String MASK = "******";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ProcessObservationContext context) {
		return "process " + context.getProcessName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ProcessObservationContext context) {
		return KeyValues.of(KeyValue.of("name", context.getProcessName()), KeyValue.of("outcome", outcome(context)));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ProcessObservationContext context) {
		KeyValues values = KeyValues.of(KeyValue.of("process.command_line", commandLine(context.getCommand())));
		if (context.getPid().isPresent()) {
			values = values.and("process.pid", Long.toString(context.getPid().get()));
		}
		if (context.getResult().isPresent()) {
			values = values.and("process.exit.code", Integer.toString(context.getResult().get().exitCode()));
		}
		return values;
	}

	/**
	 * The outcome key value.
	 * @param context the context
	 * @return the outcome
	 */
	protected String outcome(ProcessObservationContext context) {
		if (context.getStartFailure().isPresent()) {
			return START_FAILED;
		}
		return context.getResult().map((result) -> result.outcome().name()).orElse("UNKNOWN");
	}

	/**
	 * The command line as shown: the executable and a mask per argument.
	 * @param command the command
	 * @return the command line
	 */
	protected String commandLine(List<String> command) {
		StringBuilder line = new StringBuilder(command.get(0));
		for (int i = 1; i < command.size(); i++) {
			line.append(' ').append(MASK);
		}
		return line.toString();
	}

}
