package dev.managedprocesses.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.autoconfigure.ZombieChildren;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of managed processes: DOWN when the JVM is PID 1 and nobody reaps orphans, or when more zombie children
 * than the threshold stay longer than the reaper needs to reap them (its minimum age plus one sweep interval);
 * UP otherwise. Details: live, zombies and reaped counts.
 */
public class ProcessesHealthIndicator extends AbstractHealthIndicator {

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private final OperatingSystem os;

	private final int zombieThreshold;

	private final Duration tolerance;

	private final Clock clock;

	private volatile Instant aboveThresholdSince;

	/**
	 * Creates the indicator.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param os the operating system
	 * @param zombieThreshold how many zombies are tolerated
	 * @param tolerance how long more zombies than the threshold are tolerated
	 */
	public ProcessesHealthIndicator(ManagedProcessFactory factory, OrphanReaper reaper, OperatingSystem os,
			int zombieThreshold, Duration tolerance) {
		super("Managed processes health check failed");
		this.factory = factory;
		this.reaper = reaper;
		this.os = os;
		this.zombieThreshold = zombieThreshold;
		this.tolerance = tolerance;
		this.clock = Clock.systemUTC();
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ReaperStatus status = this.reaper.status();
		int zombies = ZombieChildren.count(this.os);
		builder.up()
			.withDetail("live", this.factory.processes().size())
			.withDetail("zombies", zombies)
			.withDetail("zombieThreshold", this.zombieThreshold)
			.withDetail("reaped", status.reaped());
		if (!this.os.canSeeZombies()) {
			builder.withDetail("zombieDetection", "unavailable on " + this.os.description());
		}
		if (status.pidOne() && !status.active()) {
			builder.down()
				.withDetail("reason", "the JVM is PID 1 but the reaper does not run: "
						+ status.unavailableReason().orElse("mode " + status.mode()));
			return;
		}
		Instant now = this.clock.instant();
		if (zombies <= this.zombieThreshold) {
			this.aboveThresholdSince = null;
			return;
		}
		Instant since = this.aboveThresholdSince;
		if (since == null) {
			this.aboveThresholdSince = now;
		}
		else if (Duration.between(since, now).compareTo(this.tolerance) > 0) {
			builder.down()
				.withDetail("reason", zombies + " zombie children (more than " + this.zombieThreshold + ") since "
						+ since);
		}
	}

}
