/**
 * The operating-system layer: signals, the process table and reaping, behind one
 * interface. {@link dev.managedprocesses.os.OperatingSystem} is a deliberate, documented
 * SPI (a platform or a test can supply its own implementation); everything else in this
 * package is internal, not public API, and may change in any release.
 */
@NullMarked
package dev.managedprocesses.os;

import org.jspecify.annotations.NullMarked;
