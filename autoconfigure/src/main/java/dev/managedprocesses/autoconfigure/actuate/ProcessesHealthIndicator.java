package dev.managedprocesses.autoconfigure.actuate;

import java.time.Duration;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the JVM's process tree: DOWN when zombie children stay above the threshold for longer than one
 * reaper sweep (a momentary zombie is normal: the reaper takes it on its next sweep), or when the JVM is
 * PID 1 and the reaper cannot run (every orphan will stay a zombie); UP otherwise. Details: live, zombie and
 * reaped counts.
 */
public class ProcessesHealthIndicator extends AbstractHealthIndicator {

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private final int zombieThreshold;

	private volatile long aboveThresholdSince = -1;

	/**
	 * Creates the indicator.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param zombieThreshold most zombies tolerated
	 */
	public ProcessesHealthIndicator(ManagedProcessFactory factory, OrphanReaper reaper, int zombieThreshold) {
		super("Process tree health check failed");
		this.factory = factory;
		this.reaper = reaper;
		this.zombieThreshold = zombieThreshold;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ProcessOverview overview = ProcessOverview.takeWithoutDescendants(this.factory, this.reaper);
		ReaperStatus status = overview.reaper().orElseThrow();
		long zombies = overview.zombies().size();
		builder.withDetail("live", overview.managed().size())
			.withDetail("zombies", zombies)
			.withDetail("zombieThreshold", this.zombieThreshold)
			.withDetail("reaped", status.reaped())
			.withDetail("reaperActive", status.active());
		if (!overview.zombieDetection()) {
			builder.withDetail("zombieDetection", "unavailable: " + String.join("; ", overview.limitations()));
		}
		if (status.pidOne() && !status.active()) {
			builder.down()
				.withDetail("reason", "this JVM is PID 1 and the orphan reaper is not running ("
						+ status.unavailableReason().orElse("unknown") + "): orphaned processes stay zombies");
			return;
		}
		long now = System.nanoTime();
		if (zombies > this.zombieThreshold) {
			long since = this.aboveThresholdSince;
			if (since == -1) {
				this.aboveThresholdSince = now;
				since = now;
			}
			Duration above = Duration.ofNanos(now - since);
			if (above.compareTo(status.sweepInterval()) > 0) {
				builder.down()
					.withDetail("reason", zombies + " zombie children, above the threshold of " + this.zombieThreshold
							+ " for " + above.toMillis() + " ms");
				return;
			}
		}
		else {
			this.aboveThresholdSince = -1;
		}
		builder.up();
	}

}
