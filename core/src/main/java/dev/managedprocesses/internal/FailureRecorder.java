package dev.managedprocesses.internal;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the first failure of one process (from the caller's callbacks or from reading its
 * output); later ones are added to it as suppressed.
 * <p>
 * Internal: public only because the core's main package uses it; not part of the public
 * API.
 */
public final class FailureRecorder {

	private final AtomicReference<Throwable> first = new AtomicReference<>();

	/**
	 * Records a failure.
	 * @param failure the failure
	 */
	public void record(Throwable failure) {
		if (!this.first.compareAndSet(null, failure)) {
			Throwable existing = this.first.get();
			if (existing != failure) {
				existing.addSuppressed(failure);
			}
		}
	}

	/**
	 * The first failure.
	 * @return the failure, or {@code null}
	 */
	public Throwable first() {
		return this.first.get();
	}

}
