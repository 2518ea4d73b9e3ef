package dev.managedprocesses;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Sees every process a {@link ManagedProcessFactory} starts, from just before its spawn
 * to its end, and may add environment variables for the child: the integration point for
 * observations and trace propagation (the Spring Boot auto-configuration records each
 * process as a Micrometer {@code Observation} through it and passes the trace context to
 * the child as {@code TRACEPARENT}). Register one with
 * {@link ManagedProcessFactory.Builder#interceptor(ProcessInterceptor)}; with none
 * registered, starting a process costs nothing extra.
 * <p>
 * {@link #beforeStart(StartingProcess)} runs on the thread that calls {@code start()} or
 * {@code run()}, after the input checks and the concurrency slot, right before the spawn:
 * whatever that thread holds (the current trace span, a security context) is at hand,
 * which is what makes the current span the parent of the process's one. Bad input
 * rejected before (see {@link ProcessStartException}) never reaches an interceptor.
 * <p>
 * The returned {@link Interception} hears how that one start goes:
 * {@link Interception#started(long)} or
 * {@link Interception#startFailed(ProcessStartException)} on the calling thread, then,
 * for a started process, exactly once {@link Interception#finished(ProcessResult)}, on
 * whichever thread finishes the process (the calling thread of {@code run()}, or one of
 * the factory's own threads), before the process's futures complete and before
 * {@link ProcessListener listeners} hear of it. That makes an interceptor part of the
 * starter itself, not a user callback: its methods must be quick, must not block and
 * should not throw (a throwing interceptor is logged and skipped, and the process goes
 * on). For user code, use a {@link ProcessListener}.
 */
@FunctionalInterface
public interface ProcessInterceptor {

	/**
	 * Called on the calling thread of {@code start()} or {@code run()} right before the
	 * spawn.
	 * @param process a read-only view of what is about to start, which can add
	 * environment variables
	 * @return what hears how this start goes, or {@link Interception#NONE}
	 */
	Interception beforeStart(StartingProcess process);

	/**
	 * The process about to start, as an interceptor sees it: read-only, except for
	 * environment variables it may add. Valid only during
	 * {@link ProcessInterceptor#beforeStart(StartingProcess)}.
	 */
	interface StartingProcess {

		/**
		 * The process's name.
		 * @return the name (the executable's file name unless set)
		 */
		String name();

		/**
		 * The command, executable first.
		 * @return the command, unmodifiable
		 */
		List<String> command();

		/**
		 * The working directory.
		 * @return the directory, or empty for this JVM's
		 */
		Optional<Path> directory();

		/**
		 * Sets an environment variable for the child. It replaces a variable inherited
		 * from this JVM (a stale {@code TRACEPARENT} this JVM was started with, say), but
		 * never one set on the builder with {@code environment(...)}: what the user asked
		 * for explicitly wins.
		 * @param name the variable's name, neither empty nor containing {@code '='} nor
		 * the tree marker {@value ManagedProcessFactory#TREE_VARIABLE}
		 * @param value the value
		 * @throws IllegalArgumentException for a bad name or value
		 * @throws IllegalStateException when called after
		 * {@link ProcessInterceptor#beforeStart(StartingProcess)} returned
		 */
		void environment(String name, String value);

	}

	/**
	 * Hears how one start goes. Every method has an empty default; each is called at most
	 * once, and {@link #finished(ProcessResult)} only after {@link #started(long)}.
	 */
	interface Interception {

		/** An interception that hears nothing. */
		Interception NONE = new Interception() {
		};

		/**
		 * The process was spawned; called on the thread that called {@code start()} or
		 * {@code run()}.
		 * @param pid its pid
		 */
		default void started(long pid) {
		}

		/**
		 * The operating system refused to start the process; called on the thread that
		 * called {@code start()} or {@code run()}, which then gets this exception.
		 * @param failure what went wrong
		 */
		default void startFailed(ProcessStartException failure) {
		}

		/**
		 * The process finished and its output was drained; called on the thread that
		 * finishes it, before the process's futures complete.
		 * @param result its result
		 */
		default void finished(ProcessResult result) {
		}

	}

}
