package dev.managedprocesses;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import dev.managedprocesses.internal.FailureRecorder;
import dev.managedprocesses.internal.StreamSink;
import dev.managedprocesses.internal.io.CapturedPipes;
import dev.managedprocesses.internal.io.IoLoop;
import dev.managedprocesses.internal.io.PollWaiter;

/**
 * The Linux watch of a process with captured streams: its pipes (made by
 * {@link CapturedPipes}) and its pidfd are waited on by the factory's one {@link IoLoop}
 * in the background, or by a {@link PollWaiter} in the calling thread for {@code run()}
 * (no thread, no thread switch). An interrupted {@code run()} hands the waiter's
 * descriptors to the loop. A synchronous run reads the exit code from the pidfd without
 * reaping (the JDK still collects the same status); in the background, and when the JDK
 * reaped first, the exit code comes from the JDK, so completion waits for the JDK to have
 * reaped the child, which it does a moment after the pidfd said it exited.
 */
final class EngineWatch implements ProcessWatch {

	private final ManagedProcessFactory factory;

	private final Process process;

	private final int pidfd;

	private final int stdoutFd;

	private final StreamSink stdout;

	private final int stderrFd;

	private final StreamSink stderr;

	private final FailureRecorder failures;

	/**
	 * The exit code read from the pidfd by a synchronous run, or -1: set before
	 * {@code done} runs, on the thread that runs it.
	 */
	private int exitCode = -1;

	/**
	 * Creates the watch, which owns the descriptors from now on.
	 * @param pidfd from {@link CapturedPipes#pidfd}
	 */
	EngineWatch(ManagedProcessFactory factory, Process process, int pidfd, CapturedPipes pipes, StreamSink stdout,
			StreamSink stderr, FailureRecorder failures) {
		this.factory = factory;
		this.process = process;
		this.pidfd = pidfd;
		this.stdoutFd = pipes.stdout();
		this.stdout = stdout;
		this.stderrFd = pipes.stderr();
		this.stderr = stderr;
		this.failures = failures;
	}

	@Override
	public boolean readsOutput() {
		return true;
	}

	@Override
	public java.util.OptionalInt exitCode() {
		return (this.exitCode >= 0) ? java.util.OptionalInt.of(this.exitCode) : java.util.OptionalInt.empty();
	}

	@Override
	public void inBackground(Runnable done) {
		IoLoop.Registration registration = this.factory.ioLoop()
			.register(this.process.pid(), this.pidfd, this.stdoutFd, this.stdout, this.stderrFd, this.stderr,
					(failure) -> drained(failure, done));
		if (this.pidfd == -2) {
			// a kernel without pidfds: the JDK tells of the exit
			this.process.onExit().whenComplete((p, ex) -> registration.exited());
		}
	}

	@Override
	public boolean inCallingThread(Runnable done) {
		if (this.pidfd == -2) {
			inBackground(done);
			return true;
		}
		PollWaiter waiter = new PollWaiter(this.pidfd, this.stdoutFd, this.stdout, this.stderrFd, this.stderr);
		try {
			waiter.await(-1, java.util.concurrent.TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			waiter.handOff(this.factory.ioLoop(), this.process.pid(), (failure) -> drained(failure, done));
			return false;
		}
		catch (RuntimeException | Error ex) {
			// poll() itself failed: keep what was read, stop reading, finish on the exit
			this.failures.record(ex);
			waiter.close();
			drained(null, done);
			return true;
		}
		if (waiter.failure() != null) {
			this.failures.record(waiter.failure());
		}
		this.exitCode = waiter.exitCode();
		try {
			if (this.exitCode < 0) {
				this.process.waitFor();
			}
			awaitLines(this.stdout);
			awaitLines(this.stderr);
		}
		catch (InterruptedException ex) {
			drained(null, done);
			return false;
		}
		catch (ExecutionException ex) {
			// delivered() never fails
		}
		done.run();
		return true;
	}

	private static void awaitLines(StreamSink sink) throws InterruptedException, ExecutionException {
		if (sink != null) {
			sink.delivered().get();
		}
	}

	private void drained(Throwable failure, Runnable done) {
		if (failure != null) {
			this.failures.record(failure);
		}
		this.process.onExit().whenComplete((p, ex) -> afterLines(this.stdout, this.stderr, done));
	}

	/**
	 * Runs {@code done} once every line of both streams was delivered (at once when there
	 * are no lines).
	 */
	static void afterLines(StreamSink stdout, StreamSink stderr, Runnable done) {
		CompletableFuture<Void> out = (stdout != null) ? stdout.delivered() : null;
		CompletableFuture<Void> err = (stderr != null) ? stderr.delivered() : null;
		if ((out == null || out.isDone()) && (err == null || err.isDone())) {
			done.run();
		}
		else if (out == null || err == null) {
			((out != null) ? out : err).whenComplete((ignored, ex) -> done.run());
		}
		else {
			CompletableFuture.allOf(out, err).whenComplete((ignored, ex) -> done.run());
		}
	}

}
