/**
 * Observations of managed processes: each {@code run()}/{@code start()} as a Micrometer
 * {@link io.micrometer.observation.Observation} (a timer and, with tracing, a span from
 * the start to the exit), and the opt-in passing of the trace context to children as
 * {@code TRACEPARENT}.
 */
@NullMarked
package dev.managedprocesses.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
