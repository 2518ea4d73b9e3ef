package dev.managedprocesses.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a supervised service runs and how it is supervised: immutable, made with
 * {@link #builder(String)}. Every setting is named as its property
 * {@code managed-processes.services.<name>.<setting>}; a bad value throws
 * {@link ServiceDefinitionException} naming the setting when {@link Builder#build()} is
 * called.
 */
public final class ServiceDefinition {

	/** The stop signals a service may ask for. */
	public static final Set<String> STOP_SIGNALS = Set.of("TERM", "INT", "HUP", "QUIT", "KILL", "USR1", "USR2");

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private final String name;

	private final List<String> command;

	private final Optional<Path> directory;

	private final Map<String, String> environment;

	private final boolean inheritEnvironment;

	private final RestartPolicy restart;

	private final Duration restartDelay;

	private final Duration maxRestartDelay;

	private final int maxRestarts;

	private final Duration restartWindow;

	private final List<String> dependsOn;

	private final Optional<Probe> readiness;

	private final Duration readinessInterval;

	private final Duration readinessTimeout;

	private final Optional<Probe> liveness;

	private final Duration livenessInterval;

	private final int livenessFailureThreshold;

	private final boolean waitForReady;

	private final String stopSignal;

	private final Optional<Duration> gracePeriod;

	private final ServiceOutput output;

	private final int tailLines;

	private ServiceDefinition(Builder builder) {
		this.name = builder.name;
		this.command = List.copyOf(builder.command);
		this.directory = Optional.ofNullable(builder.directory);
		this.environment = Map.copyOf(builder.environment);
		this.inheritEnvironment = builder.inheritEnvironment;
		this.restart = builder.restart;
		this.restartDelay = builder.restartDelay;
		this.maxRestartDelay = builder.maxRestartDelay;
		this.maxRestarts = builder.maxRestarts;
		this.restartWindow = builder.restartWindow;
		this.dependsOn = List.copyOf(builder.dependsOn);
		this.readiness = Optional.ofNullable(builder.readiness);
		this.readinessInterval = builder.readinessInterval;
		this.readinessTimeout = builder.readinessTimeout;
		this.liveness = Optional.ofNullable(builder.liveness);
		this.livenessInterval = builder.livenessInterval;
		this.livenessFailureThreshold = builder.livenessFailureThreshold;
		this.waitForReady = builder.waitForReady;
		this.stopSignal = builder.stopSignal;
		this.gracePeriod = Optional.ofNullable(builder.gracePeriod);
		this.output = builder.output;
		this.tailLines = builder.tailLines;
	}

	/**
	 * Starts a definition.
	 * @param name the service's name: letters, digits, {@code .}, {@code _} and
	 * {@code -}, starting with a letter or digit
	 * @return the builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * @return the service's name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * @return the command, executable first
	 */
	public List<String> command() {
		return this.command;
	}

	/**
	 * @return the working directory, empty for the application's
	 */
	public Optional<Path> directory() {
		return this.directory;
	}

	/**
	 * @return the variables added to the environment
	 */
	public Map<String, String> environment() {
		return this.environment;
	}

	/**
	 * @return whether the application's environment is inherited
	 */
	public boolean inheritEnvironment() {
		return this.inheritEnvironment;
	}

	/**
	 * @return the restart policy
	 */
	public RestartPolicy restart() {
		return this.restart;
	}

	/**
	 * @return the first back-off, doubled after each restart that follows an unstable run
	 */
	public Duration restartDelay() {
		return this.restartDelay;
	}

	/**
	 * @return the longest back-off, and how long a run must last to count as stable
	 */
	public Duration maxRestartDelay() {
		return this.maxRestartDelay;
	}

	/**
	 * @return how many restarts are allowed within {@link #restartWindow()} before
	 * {@code FAILED}
	 */
	public int maxRestarts() {
		return this.maxRestarts;
	}

	/**
	 * @return the sliding window over which restarts are counted
	 */
	public Duration restartWindow() {
		return this.restartWindow;
	}

	/**
	 * @return the services that must be READY or COMPLETED before this one starts
	 */
	public List<String> dependsOn() {
		return this.dependsOn;
	}

	/**
	 * @return the readiness probe, empty when started means ready
	 */
	public Optional<Probe> readiness() {
		return this.readiness;
	}

	/**
	 * @return the time between readiness attempts
	 */
	public Duration readinessInterval() {
		return this.readinessInterval;
	}

	/**
	 * @return how long after each start the service may take to pass its readiness probe
	 */
	public Duration readinessTimeout() {
		return this.readinessTimeout;
	}

	/**
	 * @return the liveness probe, empty for none
	 */
	public Optional<Probe> liveness() {
		return this.liveness;
	}

	/**
	 * @return the time between liveness attempts
	 */
	public Duration livenessInterval() {
		return this.livenessInterval;
	}

	/**
	 * @return how many liveness failures in a row restart the service
	 */
	public int livenessFailureThreshold() {
		return this.livenessFailureThreshold;
	}

	/**
	 * @return whether the application's startup waits until this service is READY
	 */
	public boolean waitForReady() {
		return this.waitForReady;
	}

	/**
	 * @return the signal that asks the service to stop, such as {@code TERM}
	 */
	public String stopSignal() {
		return this.stopSignal;
	}

	/**
	 * @return how long the service has to stop before its tree is killed, empty for the
	 * factory's
	 */
	public Optional<Duration> gracePeriod() {
		return this.gracePeriod;
	}

	/**
	 * @return what happens to the output
	 */
	public ServiceOutput output() {
		return this.output;
	}

	/**
	 * @return how many of the last output lines are kept
	 */
	public int tailLines() {
		return this.tailLines;
	}

	@Override
	public String toString() {
		return "ServiceDefinition[" + this.name + " " + this.command + "]";
	}

	/**
	 * Builds a {@link ServiceDefinition}. Defaults are those of the properties.
	 */
	public static final class Builder {

		private final String name;

		private List<String> command = List.of();

		private Path directory;

		private final Map<String, String> environment = new LinkedHashMap<>();

		private boolean inheritEnvironment = true;

		private RestartPolicy restart = RestartPolicy.ON_FAILURE;

		private Duration restartDelay = Duration.ofSeconds(1);

		private Duration maxRestartDelay = Duration.ofSeconds(30);

		private int maxRestarts = 5;

		private Duration restartWindow = Duration.ofMinutes(5);

		private final Set<String> dependsOn = new LinkedHashSet<>();

		private Probe readiness;

		private Duration readinessInterval = Duration.ofSeconds(1);

		private Duration readinessTimeout = Duration.ofSeconds(60);

		private Probe liveness;

		private Duration livenessInterval = Duration.ofSeconds(10);

		private int livenessFailureThreshold = 3;

		private boolean waitForReady = true;

		private String stopSignal = "TERM";

		private Duration gracePeriod;

		private ServiceOutput output = ServiceOutput.LOG;

		private int tailLines = 100;

		private final List<ServiceDefinitionException> problems = new ArrayList<>();

		private Builder(String name) {
			if (name == null || !NAME.matcher(name).matches()) {
				throw new ServiceDefinitionException(String.valueOf(name), "name",
						"must be letters, digits, '.', '_' or '-', starting with a letter or digit");
			}
			this.name = name;
		}

		/**
		 * The command (required), executable first; no shell.
		 * @param command the command
		 * @return this builder
		 */
		public Builder command(List<String> command) {
			this.command = (command != null) ? new ArrayList<>(command) : List.of();
			return this;
		}

		/**
		 * The command, as {@link #command(List)}.
		 * @param command the command
		 * @return this builder
		 */
		public Builder command(String... command) {
			return command(Arrays.asList(command));
		}

		/**
		 * The working directory.
		 * @param directory the directory
		 * @return this builder
		 */
		public Builder directory(Path directory) {
			this.directory = directory;
			return this;
		}

		/**
		 * Adds an environment variable.
		 * @param name the variable
		 * @param value its value
		 * @return this builder
		 */
		public Builder environment(String name, String value) {
			this.environment.put(Objects.requireNonNull(name, "name must not be null"),
					Objects.requireNonNull(value, "value must not be null"));
			return this;
		}

		/**
		 * Adds environment variables.
		 * @param variables the variables
		 * @return this builder
		 */
		public Builder environment(Map<String, String> variables) {
			variables.forEach(this::environment);
			return this;
		}

		/**
		 * Whether the application's environment is inherited (default true).
		 * @param inherit whether to inherit
		 * @return this builder
		 */
		public Builder inheritEnvironment(boolean inherit) {
			this.inheritEnvironment = inherit;
			return this;
		}

		/**
		 * The restart policy (default {@link RestartPolicy#ON_FAILURE}).
		 * @param restart the policy
		 * @return this builder
		 */
		public Builder restart(RestartPolicy restart) {
			this.restart = Objects.requireNonNull(restart, "restart must not be null");
			return this;
		}

		/**
		 * The first back-off (default 1s); it doubles after each restart up to
		 * {@link #maxRestartDelay}.
		 * @param delay the delay
		 * @return this builder
		 */
		public Builder restartDelay(Duration delay) {
			this.restartDelay = positive(delay, "restart-delay");
			return this;
		}

		/**
		 * The longest back-off (default 30s). A run that lasted at least this long is
		 * stable: the next back-off starts again from {@link #restartDelay}.
		 * @param delay the delay
		 * @return this builder
		 */
		public Builder maxRestartDelay(Duration delay) {
			this.maxRestartDelay = positive(delay, "max-restart-delay");
			return this;
		}

		/**
		 * How many restarts are allowed within the restart window (default 5); one more
		 * makes the service {@link ServiceState#FAILED}.
		 * @param maxRestarts the number, 0 or more
		 * @return this builder
		 */
		public Builder maxRestarts(int maxRestarts) {
			if (maxRestarts < 0) {
				this.problems.add(problem("max-restarts", "must not be negative, was " + maxRestarts));
			}
			this.maxRestarts = maxRestarts;
			return this;
		}

		/**
		 * The sliding window over which restarts are counted (default 5m).
		 * @param window the window
		 * @return this builder
		 */
		public Builder restartWindow(Duration window) {
			this.restartWindow = positive(window, "restart-window");
			return this;
		}

		/**
		 * Services that must be READY (or COMPLETED) before this one starts.
		 * @param names the services' names
		 * @return this builder
		 */
		public Builder dependsOn(String... names) {
			return dependsOn(Arrays.asList(names));
		}

		/**
		 * Services that must be READY (or COMPLETED) before this one starts.
		 * @param names the services' names
		 * @return this builder
		 */
		public Builder dependsOn(List<String> names) {
			for (String dependency : names) {
				if (dependency == null || dependency.isBlank()) {
					this.problems.add(problem("depends-on", "must not contain a blank name"));
				}
				else if (dependency.equals(this.name)) {
					this.problems.add(problem("depends-on", "must not name the service itself"));
				}
				else {
					this.dependsOn.add(dependency);
				}
			}
			return this;
		}

		/**
		 * The readiness probe: until it passes the service is STARTING.
		 * @param probe the probe
		 * @return this builder
		 */
		public Builder readiness(Probe probe) {
			if (this.readiness != null && probe != null) {
				this.problems.add(problem("readiness",
						"must have one probe kind, has " + this.readiness.kind() + " and " + probe.kind()));
			}
			this.readiness = probe;
			return this;
		}

		/**
		 * The readiness probe, as a parsing step: turns a bad value into a problem named
		 * after the setting.
		 * @param setting the setting, such as {@code readiness.http}
		 * @param probe makes the probe, throwing {@link IllegalArgumentException} for a
		 * bad value
		 * @return this builder
		 */
		public Builder readiness(String setting, Supplier<Probe> probe) {
			Probe made = parse(setting, probe);
			return (made != null) ? readiness(made) : this;
		}

		/**
		 * The time between readiness attempts (default 1s); each attempt may take as
		 * long, at least 1s.
		 * @param interval the interval
		 * @return this builder
		 */
		public Builder readinessInterval(Duration interval) {
			this.readinessInterval = positive(interval, "readiness.interval");
			return this;
		}

		/**
		 * How long after each start the readiness probe may take to pass (default 60s);
		 * then FAILED.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder readinessTimeout(Duration timeout) {
			this.readinessTimeout = positive(timeout, "readiness.timeout");
			return this;
		}

		/**
		 * The liveness probe (exec, http or tcp).
		 * @param probe the probe
		 * @return this builder
		 */
		public Builder liveness(Probe probe) {
			if (probe != null && probe.kind() == Probe.Kind.LOG_LINE) {
				this.problems.add(problem("liveness", "cannot be a log-line probe"));
				return this;
			}
			if (this.liveness != null && probe != null) {
				this.problems.add(problem("liveness",
						"must have one probe kind, has " + this.liveness.kind() + " and " + probe.kind()));
			}
			this.liveness = probe;
			return this;
		}

		/**
		 * The liveness probe, as a parsing step (see
		 * {@link #readiness(String, Supplier)}).
		 * @param setting the setting, such as {@code liveness.tcp}
		 * @param probe makes the probe
		 * @return this builder
		 */
		public Builder liveness(String setting, Supplier<Probe> probe) {
			Probe made = parse(setting, probe);
			return (made != null) ? liveness(made) : this;
		}

		/**
		 * The time between liveness attempts (default 10s); each attempt may take as
		 * long, at least 1s.
		 * @param interval the interval
		 * @return this builder
		 */
		public Builder livenessInterval(Duration interval) {
			this.livenessInterval = positive(interval, "liveness.interval");
			return this;
		}

		/**
		 * How many liveness failures in a row stop the tree and restart it (default 3).
		 * @param threshold the threshold, at least 1
		 * @return this builder
		 */
		public Builder livenessFailureThreshold(int threshold) {
			if (threshold < 1) {
				this.problems.add(problem("liveness.failure-threshold", "must be at least 1, was " + threshold));
			}
			this.livenessFailureThreshold = threshold;
			return this;
		}

		/**
		 * Whether the application's startup waits until the service is READY (default
		 * true).
		 * @param wait whether to wait
		 * @return this builder
		 */
		public Builder waitForReady(boolean wait) {
			this.waitForReady = wait;
			return this;
		}

		/**
		 * The signal that asks the service to stop (default {@code TERM}); one of
		 * {@link #STOP_SIGNALS}, with or without {@code SIG}.
		 * @param signal the signal
		 * @return this builder
		 */
		public Builder stopSignal(String signal) {
			String normalized = (signal != null) ? signal.trim().toUpperCase(Locale.ROOT).replaceFirst("^SIG", "") : "";
			if (!STOP_SIGNALS.contains(normalized)) {
				this.problems.add(problem("stop-signal",
						"must be one of " + new java.util.TreeSet<>(STOP_SIGNALS) + ", was '" + signal + "'"));
			}
			this.stopSignal = normalized;
			return this;
		}

		/**
		 * How long the service has to stop before its tree is killed (default: the
		 * factory's grace period).
		 * @param gracePeriod the grace period
		 * @return this builder
		 */
		public Builder gracePeriod(Duration gracePeriod) {
			this.gracePeriod = (gracePeriod != null) ? positive(gracePeriod, "grace-period") : null;
			return this;
		}

		/**
		 * What happens to the output (default {@link ServiceOutput#LOG}).
		 * @param output the output mode
		 * @return this builder
		 */
		public Builder output(ServiceOutput output) {
			this.output = Objects.requireNonNull(output, "output must not be null");
			return this;
		}

		/**
		 * How many of the last output lines are kept (default 100).
		 * @param lines the number of lines, 0 or more
		 * @return this builder
		 */
		public Builder tailLines(int lines) {
			if (lines < 0) {
				this.problems.add(problem("tail-lines", "must not be negative, was " + lines));
			}
			this.tailLines = lines;
			return this;
		}

		/**
		 * Checks the settings and builds the definition.
		 * @return the definition
		 * @throws ServiceDefinitionException naming the first bad setting
		 */
		public ServiceDefinition build() {
			if (this.command.isEmpty() || this.command.stream().anyMatch((arg) -> arg == null)
					|| this.command.get(0).isBlank()) {
				throw problem("command", "is required: the executable and its arguments, was " + this.command);
			}
			if (!this.problems.isEmpty()) {
				throw this.problems.get(0);
			}
			if (this.maxRestartDelay.compareTo(this.restartDelay) < 0) {
				throw problem("max-restart-delay", "must not be shorter than restart-delay (" + this.restartDelay
						+ "), was " + this.maxRestartDelay);
			}
			return new ServiceDefinition(this);
		}

		private Probe parse(String setting, Supplier<Probe> probe) {
			try {
				return probe.get();
			}
			catch (IllegalArgumentException ex) {
				this.problems.add(problem(setting, ex.getMessage()));
				return null;
			}
		}

		private Duration positive(Duration duration, String setting) {
			if (duration == null || duration.isNegative() || duration.isZero()) {
				this.problems.add(problem(setting, "must be positive, was " + duration));
				return Duration.ofSeconds(1);
			}
			if (duration.compareTo(dev.managedprocesses.internal.Require.MAX_SCHEDULABLE) > 0) {
				this.problems
					.add(problem(setting, "must be at most " + dev.managedprocesses.internal.Require.MAX_SCHEDULABLE
							+ " (Long.MAX_VALUE nanoseconds, about 292 years), was " + duration));
				return Duration.ofSeconds(1);
			}
			return duration;
		}

		private ServiceDefinitionException problem(String setting, String message) {
			return new ServiceDefinitionException(this.name, setting, message);
		}

	}

}
