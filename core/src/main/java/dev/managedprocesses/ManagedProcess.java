package dev.managedprocesses;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A process started through a {@link ManagedProcessFactory}: tracked while it runs,
 * stopped with its whole tree, and completed with an immutable {@link ProcessResult}.
 * <p>
 * Named after {@link ProcessHandle}: short verbs, {@link Optional} instead of
 * {@code null}, {@link CompletableFuture} for completion.
 * <h2>Which thread completes what</h2> The futures returned by {@link #onExit()},
 * {@link #stop()}, {@link #kill()} and {@link #stopDescendants()} complete on the
 * factory's callback executor (see
 * {@link ManagedProcessFactory.Builder#callbackExecutor}), never on the starter's own
 * threads (scheduler, stop loop, output or JDK reaper threads), as the JDK completes
 * {@link Process#onExit()}: a slow stage attached to them cannot delay a timeout or a
 * {@code SIGKILL} of any process. Each call returns a future of its own, completed by its
 * own task. A stage attached to a future that has already completed runs in the attaching
 * thread, as always with {@link CompletableFuture}. {@link #await()} and
 * {@link #await(Duration)} wait in the calling thread.
 * <h2>What "ended" guarantees</h2> When the result is there, the process has exited, its
 * output is drained and, if it was stopped (by {@link #stop()}, {@link #kill()}, its
 * timeout or shutdown), no member of its tree is alive any more: a stop is recorded
 * before its first signal goes out, on every path.
 */
public interface ManagedProcess {

	/**
	 * The operating system's process id.
	 * @return the pid
	 */
	long pid();

	/**
	 * The label given with {@code name(...)}, or the executable's file name.
	 * @return the name
	 */
	String name();

	/**
	 * The command, executable first.
	 * @return the command
	 */
	List<String> command();

	/**
	 * When the process started.
	 * @return the start instant
	 */
	Instant startedAt();

	/**
	 * Where the process is in its life now.
	 * @return the state
	 */
	ProcessState state();

	/**
	 * Completes with the result once the process has ended, its output is drained, its
	 * streams are closed and, if it was stopped, its whole tree is gone. Never completes
	 * exceptionally.
	 * @return the future result
	 */
	CompletableFuture<ProcessResult> onExit();

	/**
	 * Waits for the result. An interrupted caller gets {@link InterruptedException}; the
	 * process stays tracked and is still stopped by its timeout or at shutdown.
	 * @return the result
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	ProcessResult await() throws InterruptedException;

	/**
	 * Waits at most {@code timeout} for the result. Does not stop the process when the
	 * time runs out.
	 * @param timeout how long to wait
	 * @return the result, or empty when the process is still running
	 * @throws InterruptedException if the waiting thread is interrupted
	 */
	Optional<ProcessResult> await(Duration timeout) throws InterruptedException;

	/**
	 * Stops the process and every descendant gracefully: its stop signal ({@code SIGTERM}
	 * unless {@link ManagedProcessBuilder#stopSignal(String)} chose another) to every
	 * member of the tree, then {@code SIGKILL} once the grace period has passed since
	 * that signal went out, for whatever is still alive. Does nothing to a process that
	 * already ended (see {@link #stopDescendants()} for what it left).
	 * @return the future result, as {@link #onExit()}
	 */
	CompletableFuture<ProcessResult> stop();

	/**
	 * Kills the process and every descendant now, with {@code SIGKILL}.
	 * @return the future result, as {@link #onExit()}
	 */
	CompletableFuture<ProcessResult> kill();

	/**
	 * Stops what is left of the tree, the process itself excluded: every live process
	 * carrying this process's tree marker ({@link #treeId()}, which double-forked daemons
	 * keep wherever they were re-parented) and their descendants by parent links, with
	 * the process's stop signal, its grace period, then {@code SIGKILL}. Meant for after
	 * the process has ended (a supervisor restarting a service makes sure the previous
	 * run's leftovers are gone first); on a running process it stops the descendants that
	 * carry the marker and leaves the process itself running. Does not change the
	 * process's state or result. A descendant that removed the marker from its
	 * environment and was re-parented away is not found.
	 * @return completes (on the callback executor) when no such process is alive
	 */
	CompletableFuture<Void> stopDescendants();

	/**
	 * The live descendants of the process right now (children, grandchildren, and orphans
	 * of the tree that were re-parented), as far as the platform can tell. Reads the
	 * process table once; to describe many processes, take one {@link ProcessOverview}
	 * instead, which reads it once for all of them.
	 * @return the descendants, parents before children; empty when the process has ended
	 */
	List<ProcessSnapshot> descendants();

	/**
	 * The tree marker: every process of this tree inherits the environment variable
	 * {@link ManagedProcessFactory#TREE_VARIABLE} with this value, which finds
	 * descendants that double-forked away from their parent.
	 * @return the marker value, unique per process
	 */
	String treeId();

	/**
	 * The last part of the output captured so far (standard output then standard error),
	 * for showing progress.
	 * @param maxChars how many characters at most per stream
	 * @return the tail of what was captured so far
	 */
	String outputTail(int maxChars);

}
