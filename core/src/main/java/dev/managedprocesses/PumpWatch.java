package dev.managedprocesses;

import dev.managedprocesses.internal.FailureRecorder;
import dev.managedprocesses.internal.OutputPump;
import dev.managedprocesses.internal.StreamSink;

/**
 * The portable watch (macOS, Windows, Linux without JNA or pidfds): captured streams are
 * drained by an {@link OutputPump} (a thread of its own in the background, the caller's
 * thread for {@code run()}); a process without captured streams is followed through the
 * JDK's {@link Process#onExit()}, costing no thread.
 */
final class PumpWatch implements ProcessWatch {

	private final Process process;

	private final StreamSink stdout;

	private final StreamSink stderr;

	private final FailureRecorder failures;

	private OutputPump pump;

	PumpWatch(Process process, StreamSink stdout, StreamSink stderr, FailureRecorder failures) {
		this.process = process;
		this.stdout = stdout;
		this.stderr = stderr;
		this.failures = failures;
	}

	@Override
	public boolean readsOutput() {
		return this.stdout != null || this.stderr != null;
	}

	@Override
	public void inBackground(Runnable done) {
		if (readsOutput()) {
			Thread thread = new Thread(pump(done), "managed-process-output-" + this.process.pid());
			thread.setDaemon(true);
			thread.start();
		}
		else {
			this.process.onExit().whenComplete((p, ex) -> done.run());
		}
	}

	@Override
	public boolean inCallingThread(Runnable done) {
		if (readsOutput()) {
			if (pump(done).pump(true)) {
				return true;
			}
		}
		else {
			try {
				this.process.waitFor();
				done.run();
				return true;
			}
			catch (InterruptedException ex) {
				// handed to the background below
			}
		}
		Thread.interrupted();
		inBackground(done);
		return false;
	}

	private OutputPump pump(Runnable done) {
		if (this.pump == null) {
			this.pump = new OutputPump(this.process, this.stdout, this.stderr, this.failures,
					() -> EngineWatch.afterLines(this.stdout, this.stderr, done));
		}
		return this.pump;
	}

}
