package dev.managedprocesses.internal;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one event source and the fan-out of each event to all of them: a
 * listener that throws is logged and skipped, so one faulty listener never stops the
 * others or the source. Thread safe. Internal: not part of the public API.
 *
 * @param <L> the listener type
 */
public final class Listeners<L> {

	private static final Logger logger = LoggerFactory.getLogger(Listeners.class);

	private final List<L> listeners;

	/**
	 * Creates the fan-out.
	 * @param initial the first listeners
	 */
	public Listeners(Collection<? extends L> initial) {
		this.listeners = new CopyOnWriteArrayList<>(initial);
	}

	/**
	 * Adds a listener.
	 * @param listener the listener
	 */
	public void add(L listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Removes a listener.
	 * @param listener the listener
	 */
	public void remove(L listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Tells whether there is no listener (then an event needs no delivery at all).
	 * @return {@code true} when none is registered
	 */
	public boolean isEmpty() {
		return this.listeners.isEmpty();
	}

	/**
	 * Tells every listener, in the order they were added, in the calling thread.
	 * @param event what to call on each listener
	 */
	public void notify(Consumer<? super L> event) {
		for (L listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Listener {} failed", listener, ex);
			}
		}
	}

}
