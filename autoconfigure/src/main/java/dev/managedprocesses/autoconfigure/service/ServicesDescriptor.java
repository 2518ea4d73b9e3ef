package dev.managedprocesses.autoconfigure.service;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The answer of {@code /actuator/services}: one entry per service, in dependency order.
 *
 * @param services the services
 */
public record ServicesDescriptor(List<Service> services) implements OperationResponseBody {

	/**
	 * One service (ISO-8601 times, null where not applicable).
	 *
	 * @param name the name
	 * @param state the state
	 * @param reason why it is in that state, when it says more than the state
	 * @param pid the pid of the running process
	 * @param restarts how many times it was started again
	 * @param startedAt when the current or last run started
	 * @param readySince since when it is READY
	 * @param lastExit how the last run ended
	 * @param dependsOn the services it depends on
	 * @param command the command, sanitized as in {@code /actuator/processes}
	 * @param restart the restart policy
	 * @param readiness the readiness probe's last results
	 * @param liveness the liveness probe's last results
	 * @param outputTail the last output lines, when captured (null keys are kept: every
	 * entry has every key)
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Service(String name, String state, String reason, Long pid, int restarts, String startedAt,
			String readySince, Exit lastExit, List<String> dependsOn, List<String> command, String restart,
			ProbeResult readiness, ProbeResult liveness, List<String> outputTail) implements OperationResponseBody {

	}

	/**
	 * How a run ended.
	 *
	 * @param exitCode the exit code
	 * @param outcome EXITED, TIMED_OUT or STOPPED
	 * @param endedAt when
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Exit(int exitCode, String outcome, String endedAt) {

	}

	/**
	 * What a probe found last.
	 *
	 * @param probe the probe's kind and target (an exec probe's command sanitized)
	 * @param lastSuccess when it last passed
	 * @param lastFailure when it last failed
	 * @param lastFailureMessage why it last failed
	 * @param lastDurationMillis how long the last attempt took
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ProbeResult(String probe, String lastSuccess, String lastFailure, String lastFailureMessage,
			Long lastDurationMillis) {

	}

	/**
	 * The answer to an operator action.
	 *
	 * @param action the action taken
	 * @param service the service after it
	 */
	public record ActionResponse(String action, Service service) implements OperationResponseBody {

	}

}
