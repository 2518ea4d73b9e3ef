/**
 * Implementation of the core: output pumping and capture, tree stopping, argument checks.
 * Not public API: anything here may change or disappear in any release.
 */
@NullMarked
package dev.managedprocesses.internal;

import org.jspecify.annotations.NullMarked;
