package dev.managedprocesses.autoconfigure.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.managedprocesses.service.RestartPolicy;
import dev.managedprocesses.service.ServiceOutput;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Supervised services declared in configuration:
 * {@code managed-processes.services.<name>.*}. Values are checked when the services are
 * built (a bad one fails the context naming the property); see
 * {@code additional-spring-configuration-metadata.json} for each property's description.
 */
@ConfigurationProperties("managed-processes")
public class ManagedServicesProperties {

	/**
	 * Supervised services by name.
	 */
	private final Map<String, Service> services = new LinkedHashMap<>();

	public Map<String, Service> getServices() {
		return this.services;
	}

	/**
	 * One supervised service.
	 */
	public static class Service {

		/**
		 * The command, executable first; no shell.
		 */
		private List<String> command = new ArrayList<>();

		/**
		 * Working directory; the application's when unset.
		 */
		private Path directory;

		/**
		 * Environment variables added to the service's environment.
		 */
		private Map<String, String> environment = new LinkedHashMap<>();

		/**
		 * Whether the service inherits the application's environment.
		 */
		private boolean inheritEnvironment = true;

		/**
		 * Whether the service is supervised at all.
		 */
		private boolean enabled = true;

		/**
		 * When a service that exited on its own is started again: never, on-failure or
		 * always.
		 */
		private RestartPolicy restart = RestartPolicy.ON_FAILURE;

		/**
		 * First back-off before a restart; doubles per restart up to max-restart-delay.
		 */
		private Duration restartDelay = Duration.ofSeconds(1);

		/**
		 * Longest back-off; a run that lasted at least this long is stable and resets the
		 * back-off.
		 */
		private Duration maxRestartDelay = Duration.ofSeconds(30);

		/**
		 * Restarts allowed within restart-window; one more makes the service FAILED.
		 */
		private int maxRestarts = 5;

		/**
		 * Sliding window over which restarts are counted.
		 */
		private Duration restartWindow = Duration.ofMinutes(5);

		/**
		 * Services that must be READY (or COMPLETED) before this one starts.
		 */
		private List<String> dependsOn = new ArrayList<>();

		/**
		 * Readiness probe: one of exec, http, tcp or log-line.
		 */
		private final Readiness readiness = new Readiness();

		/**
		 * Liveness probe: one of exec, http or tcp.
		 */
		private final Liveness liveness = new Liveness();

		/**
		 * Whether the application's startup waits until the service is READY.
		 */
		private boolean waitForReady = true;

		/**
		 * Signal that asks the service to stop: TERM, INT, HUP, QUIT, KILL, USR1 or USR2.
		 */
		private String stopSignal = "TERM";

		/**
		 * Time the service has to stop before its tree is killed;
		 * managed-processes.grace-period when unset.
		 */
		private Duration gracePeriod;

		/**
		 * What happens to the output: log, discard or capture.
		 */
		private ServiceOutput output = ServiceOutput.LOG;

		public List<String> getCommand() {
			return this.command;
		}

		public void setCommand(List<String> command) {
			this.command = command;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public Map<String, String> getEnvironment() {
			return this.environment;
		}

		public void setEnvironment(Map<String, String> environment) {
			this.environment = environment;
		}

		public boolean isInheritEnvironment() {
			return this.inheritEnvironment;
		}

		public void setInheritEnvironment(boolean inheritEnvironment) {
			this.inheritEnvironment = inheritEnvironment;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public RestartPolicy getRestart() {
			return this.restart;
		}

		public void setRestart(RestartPolicy restart) {
			this.restart = restart;
		}

		public Duration getRestartDelay() {
			return this.restartDelay;
		}

		public void setRestartDelay(Duration restartDelay) {
			this.restartDelay = restartDelay;
		}

		public Duration getMaxRestartDelay() {
			return this.maxRestartDelay;
		}

		public void setMaxRestartDelay(Duration maxRestartDelay) {
			this.maxRestartDelay = maxRestartDelay;
		}

		public int getMaxRestarts() {
			return this.maxRestarts;
		}

		public void setMaxRestarts(int maxRestarts) {
			this.maxRestarts = maxRestarts;
		}

		public Duration getRestartWindow() {
			return this.restartWindow;
		}

		public void setRestartWindow(Duration restartWindow) {
			this.restartWindow = restartWindow;
		}

		public List<String> getDependsOn() {
			return this.dependsOn;
		}

		public void setDependsOn(List<String> dependsOn) {
			this.dependsOn = dependsOn;
		}

		public Readiness getReadiness() {
			return this.readiness;
		}

		public Liveness getLiveness() {
			return this.liveness;
		}

		public boolean isWaitForReady() {
			return this.waitForReady;
		}

		public void setWaitForReady(boolean waitForReady) {
			this.waitForReady = waitForReady;
		}

		public String getStopSignal() {
			return this.stopSignal;
		}

		public void setStopSignal(String stopSignal) {
			this.stopSignal = stopSignal;
		}

		public Duration getGracePeriod() {
			return this.gracePeriod;
		}

		public void setGracePeriod(Duration gracePeriod) {
			this.gracePeriod = gracePeriod;
		}

		public ServiceOutput getOutput() {
			return this.output;
		}

		public void setOutput(ServiceOutput output) {
			this.output = output;
		}

	}

	/**
	 * The probes both readiness and liveness have.
	 */
	public abstract static class Probes {

		/**
		 * Command that must exit with 0.
		 */
		private List<String> exec = new ArrayList<>();

		/**
		 * URL whose GET must answer 2xx or 3xx.
		 */
		private String http;

		/**
		 * host:port that must accept a TCP connection.
		 */
		private String tcp;

		public List<String> getExec() {
			return this.exec;
		}

		public void setExec(List<String> exec) {
			this.exec = exec;
		}

		public String getHttp() {
			return this.http;
		}

		public void setHttp(String http) {
			this.http = http;
		}

		public String getTcp() {
			return this.tcp;
		}

		public void setTcp(String tcp) {
			this.tcp = tcp;
		}

	}

	/**
	 * The readiness probe.
	 */
	public static class Readiness extends Probes {

		/**
		 * Regular expression a line of output must match.
		 */
		private String logLine;

		/**
		 * Time between readiness attempts.
		 */
		private Duration interval = Duration.ofSeconds(1);

		/**
		 * Time after each start within which the service must be ready, else FAILED.
		 */
		private Duration timeout = Duration.ofSeconds(60);

		public String getLogLine() {
			return this.logLine;
		}

		public void setLogLine(String logLine) {
			this.logLine = logLine;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * The liveness probe.
	 */
	public static class Liveness extends Probes {

		/**
		 * Time between liveness attempts.
		 */
		private Duration interval = Duration.ofSeconds(10);

		/**
		 * Liveness failures in a row that stop the tree and restart it.
		 */
		private int failureThreshold = 3;

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

	}

}
