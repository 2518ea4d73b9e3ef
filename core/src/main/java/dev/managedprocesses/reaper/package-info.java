/**
 * The orphan reaper: reaps zombie children of the JVM (orphans re-parented to it when it
 * is PID 1 or a child subreaper) without stealing the exit status of the JDK's own
 * {@code java.lang.Process} children.
 */
@NullMarked
package dev.managedprocesses.reaper;

import org.jspecify.annotations.NullMarked;
