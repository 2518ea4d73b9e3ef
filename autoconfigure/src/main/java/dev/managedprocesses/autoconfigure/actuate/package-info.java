/**
 * Actuator support for managed processes: the {@code processes} endpoint, the
 * {@code processes} health indicator and the {@code managed.processes.*} Micrometer
 * meters, each with its auto-configuration.
 */
@NullMarked
package dev.managedprocesses.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
