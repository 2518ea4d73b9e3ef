/**
 * Auto-configuration for managed processes: the {@code ManagedProcessFactory} bean, the
 * orphan reaper, the {@code managed-processes.*} properties and the shutdown of every
 * managed tree with the application context.
 */
@NullMarked
package dev.managedprocesses.autoconfigure;

import org.jspecify.annotations.NullMarked;
