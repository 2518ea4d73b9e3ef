package dev.managedprocesses.reaper;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the reaper is doing and why.
 *
 * @param mode the configured mode
 * @param active whether the sweep runs
 * @param unavailableReason why it does not run although asked to, or why it is not needed
 * (e.g. an init such as tini is PID 1 above this JVM), if so
 * @param pidOne whether this JVM is PID 1 of its PID namespace
 * @param subreaper whether this JVM is a child subreaper now
 * ({@code PR_GET_CHILD_SUBREAPER})
 * @param initAbove the name of an init process (tini, dumb-init, catatonit, ...) found as
 * PID 1 above this JVM, if any
 * @param reaped how many orphans were reaped since start
 * @param lastSweep when the last sweep ran, if any
 * @param sweepInterval the interval between sweeps
 */
public record ReaperStatus(ReaperMode mode, boolean active, Optional<String> unavailableReason, boolean pidOne,
		boolean subreaper, Optional<String> initAbove, long reaped, Optional<Instant> lastSweep,
		Duration sweepInterval) {

}
