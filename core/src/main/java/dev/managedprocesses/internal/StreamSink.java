package dev.managedprocesses.internal;

import java.nio.charset.Charset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.managedprocesses.internal.io.OutputSink;
import dev.managedprocesses.internal.io.OutputSinks;

/**
 * Where one output stream of a process goes once read, by the engine's I/O loop or poll
 * waiter or by the portable pump: the bounded capture and, when a line callback or
 * logging is set, lines delivered in order on the callback executor (never on the reading
 * thread, so a slow callback neither stalls reading nor runs user code on a starter
 * thread). A capture or callback that fails is switched off for the rest of the process
 * and its failure recorded; reading goes on, so output keeps draining and the child never
 * blocks.
 * <p>
 * Internal: public only because the core's main package uses it; not part of the public
 * API.
 */
public final class StreamSink implements OutputSink {

	private static final CompletableFuture<Void> NO_LINES = CompletableFuture.completedFuture(null);

	private final OutputCapture capture;

	private final OutputSink lines;

	private final CompletableFuture<Void> delivered;

	private final FailureRecorder failures;

	private boolean captureFailed;

	private boolean linesFailed;

	/**
	 * Creates a sink.
	 * @param captureLimit the capture limit in bytes
	 * @param charset the charset for lines
	 * @param lineConsumer the callback for each line, or {@code null}
	 * @param executor where line callbacks run (the factory's callback executor)
	 * @param failures where failures go
	 */
	public StreamSink(int captureLimit, Charset charset, Consumer<String> lineConsumer, Executor executor,
			FailureRecorder failures) {
		this.capture = new OutputCapture(captureLimit);
		this.failures = failures;
		if (lineConsumer != null) {
			this.delivered = new CompletableFuture<>();
			this.lines = OutputSinks.lines(charset, lineConsumer, executor,
					(ex) -> failures
						.record(new IllegalStateException("Line callback failed; output kept draining without it", ex)),
					() -> this.delivered.complete(null));
		}
		else {
			this.delivered = NO_LINES;
			this.lines = null;
		}
	}

	/**
	 * The capture.
	 * @return the capture
	 */
	public OutputCapture capture() {
		return this.capture;
	}

	/**
	 * Completes once the stream ended and every line was handed to the line callback (at
	 * once without one).
	 * @return the future
	 */
	public CompletableFuture<Void> delivered() {
		return this.delivered;
	}

	@Override
	public void accept(byte[] bytes, int offset, int length) {
		if (!this.captureFailed) {
			try {
				this.capture.write(bytes, offset, length);
				Throwable degraded = this.capture.takeDegradation();
				if (degraded != null) {
					this.failures.record(new IllegalStateException(
							"Not enough memory to capture the output up to its limit; the capture is truncated",
							degraded));
				}
			}
			catch (Throwable ex) {
				this.captureFailed = true;
				this.failures.record(ex);
			}
		}
		if (this.lines != null && !this.linesFailed) {
			try {
				this.lines.accept(bytes, offset, length);
			}
			catch (Throwable ex) {
				linesFailed(ex);
			}
		}
	}

	@Override
	public void end() {
		if (this.lines != null && !this.linesFailed) {
			try {
				this.lines.end();
			}
			catch (Throwable ex) {
				linesFailed(ex);
			}
		}
	}

	void write(byte[] bytes, int count) {
		accept(bytes, 0, count);
	}

	void finish() {
		end();
	}

	private void linesFailed(Throwable ex) {
		this.linesFailed = true;
		this.failures.record(new IllegalStateException("Line callback failed; output kept draining without it", ex));
		// nothing more will be delivered: do not hold the result for lines that will
		// never come
		this.delivered.complete(null);
	}

}
