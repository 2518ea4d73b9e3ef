package dev.managedprocesses.autoconfigure.observation;

import java.util.Locale;
import java.util.Map;

import dev.managedprocesses.ProcessInterceptor;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.ProcessStartException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Records each managed process as an {@link Observation}, started on the thread that
 * calls {@code start()} or {@code run()} (so the current observation or span is its
 * parent) right before the spawn, and stopped when the process has finished; a start the
 * operating system refused is recorded as the observation's error.
 * <p>
 * With propagation on, whatever the tracing propagator wrote into the context's carrier
 * for the process's own span ({@code traceparent}, {@code tracestate}, {@code baggage}
 * with W3C) is passed to the child as environment variables named as OpenTelemetry's
 * environment-variable carriers name them: upper case, any character other than a letter,
 * a digit or {@code _} replaced by {@code _} ({@code TRACEPARENT}, {@code TRACESTATE},
 * {@code BAGGAGE}). Variables set on the process builder win.
 * <p>
 * The observation is stopped on the thread that finishes the process, before its futures
 * complete: stopping an observation records a timer and ends a span, which Micrometer's
 * and the tracers' handlers do without blocking.
 */
public class ObservationProcessInterceptor implements ProcessInterceptor {

	private static final ProcessObservationConvention DEFAULT_CONVENTION = new DefaultProcessObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable ProcessObservationConvention convention;

	private final boolean propagate;

	/**
	 * Creates the interceptor.
	 * @param registry where observations go
	 * @param convention a convention replacing
	 * {@link DefaultProcessObservationConvention}, or {@code null}
	 * @param propagate whether children get the trace context in their environment
	 */
	public ObservationProcessInterceptor(ObservationRegistry registry,
			@Nullable ProcessObservationConvention convention, boolean propagate) {
		this.registry = registry;
		this.convention = convention;
		this.propagate = propagate;
	}

	@Override
	public Interception beforeStart(StartingProcess process) {
		ProcessObservationContext context = new ProcessObservationContext(process.name(), process.command(),
				process.directory().orElse(null));
		Observation observation = Observation
			.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
			.start();
		if (observation.isNoop()) {
			return Interception.NONE;
		}
		if (this.propagate) {
			Map<String, String> carrier = context.getCarrier();
			if (carrier != null) {
				carrier.forEach((key, value) -> process.environment(environmentName(key), value));
			}
		}
		return new ObservedProcess(observation, context);
	}

	/**
	 * The environment variable for a propagation field, as OpenTelemetry's
	 * environment-variable carriers name it.
	 * @param field the field, such as {@code traceparent}
	 * @return the variable's name, such as {@code TRACEPARENT}
	 */
	static String environmentName(String field) {
		StringBuilder name = new StringBuilder(field.length());
		for (int i = 0; i < field.length(); i++) {
			char c = field.charAt(i);
			boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
			name.append(plain ? c : '_');
		}
		return name.toString().toUpperCase(Locale.ROOT);
	}

	/** The observation of one process. */
	private static final class ObservedProcess implements Interception {

		private final Observation observation;

		private final ProcessObservationContext context;

		private ObservedProcess(Observation observation, ProcessObservationContext context) {
			this.observation = observation;
			this.context = context;
		}

		@Override
		public void started(long pid) {
			this.context.setPid(pid);
		}

		@Override
		public void startFailed(ProcessStartException failure) {
			this.context.setStartFailure(failure);
			this.observation.error(failure);
			this.observation.stop();
		}

		@Override
		public void finished(ProcessResult result) {
			this.context.setResult(result);
			this.observation.stop();
		}

	}

}
