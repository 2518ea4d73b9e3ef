package dev.managedprocesses.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a service's probe found last: immutable, a new one after every attempt.
 *
 * @param probe the probe
 * @param lastSuccess when it last passed
 * @param lastFailure when it last failed
 * @param lastFailureMessage why it last failed
 * @param lastDuration how long the last attempt took
 */
public record ProbeStatus(Probe probe, Optional<Instant> lastSuccess, Optional<Instant> lastFailure,
		Optional<String> lastFailureMessage, Optional<Duration> lastDuration) {

	static ProbeStatus none(Probe probe) {
		return new ProbeStatus(probe, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
	}

	ProbeStatus passed(Instant at, Duration took) {
		return new ProbeStatus(this.probe, Optional.of(at), this.lastFailure, this.lastFailureMessage,
				Optional.ofNullable(took));
	}

	ProbeStatus failed(Instant at, Duration took, String message) {
		return new ProbeStatus(this.probe, this.lastSuccess, Optional.of(at), Optional.of(message),
				Optional.ofNullable(took));
	}

}
