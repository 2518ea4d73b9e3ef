/**
 * Managed subprocesses: start them through a
 * {@link dev.managedprocesses.ManagedProcessFactory}, and each one is tracked, drained,
 * timed out and destroyed with its whole tree ({@code SIGTERM}, a grace period, then
 * {@code SIGKILL}). This package is the public API.
 */
@NullMarked
package dev.managedprocesses;

import org.jspecify.annotations.NullMarked;
