package dev.managedprocesses.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks whose messages name the argument and its value, shared by every builder
 * of the core. Internal: not part of the public API.
 */
public final class Require {

	private Require() {
	}

	/**
	 * Checks that a duration is positive.
	 * @param duration the duration
	 * @param name the argument's name, for the message
	 * @return the duration
	 * @throws NullPointerException when it is {@code null}
	 * @throws IllegalArgumentException when it is zero or negative
	 */
	public static Duration positive(Duration duration, String name) {
		Objects.requireNonNull(duration, name + " must not be null");
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
		return duration;
	}

	/**
	 * Checks that a number is not negative.
	 * @param value the number
	 * @param name the argument's name, for the message
	 * @return the number
	 * @throws IllegalArgumentException when it is negative
	 */
	public static int notNegative(int value, String name) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative, was " + value);
		}
		return value;
	}

	/**
	 * Checks that a duration is zero or positive.
	 * @param duration the duration
	 * @param name the argument's name, for the message
	 * @return the duration
	 * @throws NullPointerException when it is {@code null}
	 * @throws IllegalArgumentException when it is negative
	 */
	public static Duration notNegative(Duration duration, String name) {
		Objects.requireNonNull(duration, name + " must not be null");
		if (duration.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, was " + duration);
		}
		return duration;
	}

	/**
	 * Checks that a number is at least a minimum.
	 * @param value the number
	 * @param minimum the smallest allowed value
	 * @param name the argument's name, for the message
	 * @return the number
	 * @throws IllegalArgumentException when it is smaller
	 */
	public static int atLeast(int value, int minimum, String name) {
		if (value < minimum) {
			throw new IllegalArgumentException(name + " must be at least " + minimum + ", was " + value);
		}
		return value;
	}

	/**
	 * The longest duration the starter can schedule: {@code Long.MAX_VALUE} nanoseconds
	 * (about 292 years).
	 */
	public static final Duration MAX_SCHEDULABLE = Duration.ofNanos(Long.MAX_VALUE);

	/**
	 * Checks that a duration is positive and fits in nanoseconds, so that it can be
	 * scheduled: rejected here, before anything starts, rather than overflowing later
	 * with a process already running.
	 * @param duration the duration
	 * @param name the argument's name, for the message
	 * @return the duration
	 * @throws NullPointerException when it is {@code null}
	 * @throws IllegalArgumentException when it is zero, negative, or longer than
	 * {@link #MAX_SCHEDULABLE}
	 */
	public static Duration schedulable(Duration duration, String name) {
		return fitsInNanos(positive(duration, name), name);
	}

	/**
	 * Checks that a duration is zero or positive and fits in nanoseconds (see
	 * {@link #schedulable}).
	 * @param duration the duration
	 * @param name the argument's name, for the message
	 * @return the duration
	 * @throws NullPointerException when it is {@code null}
	 * @throws IllegalArgumentException when it is negative or longer than
	 * {@link #MAX_SCHEDULABLE}
	 */
	public static Duration schedulableOrZero(Duration duration, String name) {
		return fitsInNanos(notNegative(duration, name), name);
	}

	private static Duration fitsInNanos(Duration duration, String name) {
		if (duration.compareTo(MAX_SCHEDULABLE) > 0) {
			throw new IllegalArgumentException(name + " must be at most " + MAX_SCHEDULABLE
					+ " (Long.MAX_VALUE nanoseconds, about 292 years), was " + duration);
		}
		return duration;
	}

	/**
	 * A duration in nanoseconds, saturated: {@code Long.MAX_VALUE} for anything longer
	 * (for limits where a huge value means "forever"), 0 for a negative one.
	 * @param duration the duration
	 * @return the nanoseconds, between 0 and {@code Long.MAX_VALUE}
	 */
	public static long saturatedNanos(Duration duration) {
		if (duration.isNegative()) {
			return 0;
		}
		return (duration.compareTo(MAX_SCHEDULABLE) >= 0) ? Long.MAX_VALUE : duration.toNanos();
	}

	/**
	 * Adds nanoseconds without overflow.
	 * @param a a non-negative number of nanoseconds
	 * @param b another
	 * @return the sum, or {@code Long.MAX_VALUE} when it would overflow
	 */
	public static long saturatedAdd(long a, long b) {
		long sum = a + b;
		return (((a ^ sum) & (b ^ sum)) < 0) ? Long.MAX_VALUE : sum;
	}

}
