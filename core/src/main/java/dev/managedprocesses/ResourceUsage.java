package dev.managedprocesses;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a process (or a whole tree, summed) used at one moment: CPU time, CPU share,
 * resident memory, threads and open descriptors. A value, read from the process table in
 * the same pass as the rest of a {@link ProcessOverview}. What a platform does not tell
 * is absent: on Linux everything is known (open descriptors only for processes of the
 * same user); elsewhere only the CPU time, from
 * {@link ProcessHandle.Info#totalCpuDuration()}.
 */
public final class ResourceUsage {

	private final Duration cpu;

	private final double cpuPercent;

	private final long rssBytes;

	private final int threads;

	private final int openFiles;

	/**
	 * Creates a usage; negative numbers (and {@link Double#NaN} for the share) mean
	 * unknown.
	 */
	ResourceUsage(Duration cpu, double cpuPercent, long rssBytes, int threads, int openFiles) {
		this.cpu = Objects.requireNonNull(cpu, "cpu must not be null");
		this.cpuPercent = cpuPercent;
		this.rssBytes = rssBytes;
		this.threads = threads;
		this.openFiles = openFiles;
	}

	/**
	 * The CPU time used so far, user plus system (on Linux in clock ticks of 10 ms).
	 * @return the CPU time
	 */
	public Duration cpu() {
		return this.cpu;
	}

	/**
	 * The CPU share over the interval since the previous overview, in percent of one core
	 * (200 is two cores busy).
	 * @return the share, or empty on the first sight of the process (no previous overview
	 * saw it)
	 */
	public OptionalDouble cpuPercent() {
		return Double.isNaN(this.cpuPercent) ? OptionalDouble.empty() : OptionalDouble.of(this.cpuPercent);
	}

	/**
	 * The resident memory.
	 * @return the resident size in bytes, or empty when the platform does not tell
	 */
	public OptionalLong rssBytes() {
		return (this.rssBytes >= 0) ? OptionalLong.of(this.rssBytes) : OptionalLong.empty();
	}

	/**
	 * The number of threads.
	 * @return the threads, or empty when the platform does not tell
	 */
	public OptionalInt threads() {
		return (this.threads >= 0) ? OptionalInt.of(this.threads) : OptionalInt.empty();
	}

	/**
	 * The number of open file descriptors (files, pipes, sockets).
	 * @return the descriptors, or empty when the platform does not tell (or the process
	 * belongs to another user)
	 */
	public OptionalInt openFiles() {
		return (this.openFiles >= 0) ? OptionalInt.of(this.openFiles) : OptionalInt.empty();
	}

	/**
	 * The sum of usages, for a tree or for all trees of one name: CPU times add up; each
	 * other figure is the sum over the members that tell it, and absent when none does.
	 * @param usages the usages to add up
	 * @return the sum
	 */
	public static ResourceUsage sum(Collection<ResourceUsage> usages) {
		Duration cpu = Duration.ZERO;
		double percent = Double.NaN;
		long rss = -1;
		int threads = -1;
		int openFiles = -1;
		for (ResourceUsage usage : usages) {
			cpu = cpu.plus(usage.cpu);
			if (!Double.isNaN(usage.cpuPercent)) {
				percent = (Double.isNaN(percent) ? 0 : percent) + usage.cpuPercent;
			}
			if (usage.rssBytes >= 0) {
				rss = Math.max(rss, 0) + usage.rssBytes;
			}
			if (usage.threads >= 0) {
				threads = Math.max(threads, 0) + usage.threads;
			}
			if (usage.openFiles >= 0) {
				openFiles = Math.max(openFiles, 0) + usage.openFiles;
			}
		}
		return new ResourceUsage(cpu, percent, rss, threads, openFiles);
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof ResourceUsage that)) {
			return false;
		}
		return this.cpu.equals(that.cpu) && Double.compare(this.cpuPercent, that.cpuPercent) == 0
				&& this.rssBytes == that.rssBytes && this.threads == that.threads && this.openFiles == that.openFiles;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.cpu, this.cpuPercent, this.rssBytes, this.threads, this.openFiles);
	}

	@Override
	public String toString() {
		return "ResourceUsage[cpu=" + this.cpu + ", cpuPercent=" + cpuPercent() + ", rssBytes=" + rssBytes()
				+ ", threads=" + threads() + ", openFiles=" + openFiles() + "]";
	}

}
