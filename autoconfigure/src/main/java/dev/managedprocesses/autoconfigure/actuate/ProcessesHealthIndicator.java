package dev.managedprocesses.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessOverview;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.reaper.OrphanReaper;
import dev.managedprocesses.reaper.ReaperStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the JVM's process tree. A zombie is normal while the reaper works: it takes a
 * zombie once the zombie is older than its minimum age. So, with the reaper active,
 * health is DOWN only when more zombie children than the threshold are older than the
 * reaper's minimum age plus a couple of sweeps (at least one second, so a sweep delayed
 * on a busy machine does not flap), by the reaper's own record of when it first saw each
 * zombie; a zombie the reaper has not seen yet counts as new. The first check after
 * zombies appear therefore judges their age, not the indicator's first sight of them.
 * With the reaper off or unavailable nothing will take the zombies: DOWN when zombie
 * children stay above the threshold for longer than one sweep interval (a momentary
 * zombie of a JDK child about to be waited for is normal). DOWN also when the JVM is PID
 * 1 and the reaper cannot run. Details: live, zombie and reaped counts.
 * <p>
 * Cheap enough to be polled often: with the reaper active it reads the reaper's own
 * record of the zombies it saw at its last sweep (no read of the process table; the
 * zombie count is as of that sweep); without it, one {@code waitid(WNOWAIT)} tells
 * whether any child is a zombie, and only then are the JVM's direct children read.
 */
public class ProcessesHealthIndicator extends AbstractHealthIndicator {

	/**
	 * The least slack beyond the reaper's minimum age before an unreaped zombie is a
	 * problem.
	 */
	private static final Duration MIN_SLACK = Duration.ofSeconds(1);

	private final ManagedProcessFactory factory;

	private final OrphanReaper reaper;

	private final int zombieThreshold;

	private final Duration minimumAge;

	private volatile long aboveThresholdSince = -1;

	/**
	 * Creates the indicator, for a reaper with the default minimum age (1 s).
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param zombieThreshold most zombies tolerated
	 */
	public ProcessesHealthIndicator(ManagedProcessFactory factory, OrphanReaper reaper, int zombieThreshold) {
		this(factory, reaper, zombieThreshold, Duration.ofSeconds(1));
	}

	/**
	 * Creates the indicator.
	 * @param factory the factory
	 * @param reaper the reaper
	 * @param zombieThreshold most zombies tolerated
	 * @param minimumAge the reaper's minimum age: younger zombies are waiting to be
	 * reaped, not a problem
	 */
	public ProcessesHealthIndicator(ManagedProcessFactory factory, OrphanReaper reaper, int zombieThreshold,
			Duration minimumAge) {
		super("Process tree health check failed");
		this.factory = factory;
		this.reaper = reaper;
		this.zombieThreshold = zombieThreshold;
		this.minimumAge = minimumAge;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ReaperStatus status = this.reaper.status();
		OperatingSystem os = this.factory.operatingSystem();
		// a counter the registry keeps: no copy of the live processes per poll
		builder.withDetail("live", this.factory.liveCount());
		if (status.active()) {
			// the reaper already knows its zombies and since when: no read of the process
			// table
			Map<Long, Instant> seen = this.reaper.zombiesSeen();
			details(builder, seen.size(), status, os);
			Duration limit = this.minimumAge.plus(max(status.sweepInterval().multipliedBy(2), MIN_SLACK));
			Instant now = Instant.now();
			long old = seen.entrySet()
				.stream()
				.filter((entry) -> Duration.between(entry.getValue(), now).compareTo(limit) > 0)
				.count();
			if (old > this.zombieThreshold) {
				builder.down()
					.withDetail("reason", old + " zombie children older than " + limit.toMillis()
							+ " ms that the reaper has not taken (threshold " + this.zombieThreshold + ")");
				return;
			}
			builder.up();
			return;
		}
		// no zombie child at all: one waitid(WNOWAIT), no /proc read
		long zombies = (os.canReap() && os.anyZombieChild().isEmpty()) ? 0
				: ProcessOverview.takeWithoutDescendants(this.factory, this.reaper).zombies().size();
		details(builder, zombies, status, os);
		if (status.pidOne()) {
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
							+ " for " + above.toMillis() + " ms, and the orphan reaper is not running");
				return;
			}
		}
		else {
			this.aboveThresholdSince = -1;
		}
		builder.up();
	}

	private void details(Health.Builder builder, long zombies, ReaperStatus status, OperatingSystem os) {
		builder.withDetail("zombies", zombies)
			.withDetail("zombieThreshold", this.zombieThreshold)
			.withDetail("reaped", status.reaped())
			.withDetail("reaperActive", status.active());
		if (!os.canSeeZombies()) {
			builder.withDetail("zombieDetection", "unavailable: " + String.join("; ", os.limitations()));
		}
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

}
