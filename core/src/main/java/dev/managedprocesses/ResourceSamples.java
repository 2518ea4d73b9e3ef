package dev.managedprocesses;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * What a managed process was seen to use while it ran, for its {@link ProcessResult}. The
 * JDK reaps the process before anyone can read its final figures, so these are samples:
 * the CPU time at the last sight and the largest peak resident size ({@code VmHWM}) seen,
 * recorded by every {@link ProcessOverview} that lists the process (the endpoint, the
 * metrics).
 */
final class ResourceSamples {

	private long cpuNanos = -1;

	private long peakRssBytes = -1;

	synchronized void record(long cpuNanos, OptionalLong peakRssBytes) {
		if (cpuNanos >= 0) {
			this.cpuNanos = Math.max(this.cpuNanos, cpuNanos);
		}
		if (peakRssBytes.isPresent()) {
			this.peakRssBytes = Math.max(this.peakRssBytes, peakRssBytes.getAsLong());
		}
	}

	/**
	 * The result with the samples in it (the result as it is when nothing was sampled).
	 */
	synchronized ProcessResult addTo(ProcessResult result) {
		if (this.cpuNanos < 0 && this.peakRssBytes < 0) {
			return result;
		}
		return result.withResources((this.cpuNanos >= 0) ? Duration.ofNanos(this.cpuNanos) : null, this.peakRssBytes);
	}

}
