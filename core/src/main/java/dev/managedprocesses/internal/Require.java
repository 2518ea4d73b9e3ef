package dev.managedprocesses.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks whose messages name the argument and its value, shared by every builder of the core.
 * Internal: not part of the public API.
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

}
