package dev.managedprocesses.internal;

import java.nio.charset.Charset;
import java.util.function.Consumer;

/**
 * Where one output stream of a process goes once read: the bounded capture and, when a line callback or
 * logging is set, a {@link LineSplitter}. A callback that throws is switched off for the rest of the
 * process and its failure recorded; the capture keeps filling, so output keeps draining.
 * <p>
 * Internal: public only because the core's main package uses it; not part of the public API.
 */
public final class StreamSink {

	private final OutputCapture capture;

	private final LineSplitter lines;

	private final FailureRecorder failures;

	private boolean linesFailed;

	/**
	 * Creates a sink.
	 * @param captureLimit the capture limit in bytes
	 * @param charset the charset for lines
	 * @param lineConsumer the callback for each line, or {@code null}
	 * @param failures where failures go
	 */
	public StreamSink(int captureLimit, Charset charset, Consumer<String> lineConsumer, FailureRecorder failures) {
		this.capture = new OutputCapture(captureLimit);
		this.lines = (lineConsumer != null) ? new LineSplitter(charset, lineConsumer) : null;
		this.failures = failures;
	}

	/**
	 * The capture.
	 * @return the capture
	 */
	public OutputCapture capture() {
		return this.capture;
	}

	void write(byte[] bytes, int count) {
		this.capture.write(bytes, 0, count);
		Throwable degraded = this.capture.takeDegradation();
		if (degraded != null) {
			this.failures.record(new IllegalStateException(
					"Not enough memory to capture the output up to its limit; the capture is truncated", degraded));
		}
		if (this.lines != null && !this.linesFailed) {
			try {
				this.lines.write(bytes, 0, count);
			}
			catch (Throwable ex) {
				lineCallbackFailed(ex);
			}
		}
	}

	void finish() {
		if (this.lines != null && !this.linesFailed) {
			try {
				this.lines.finish();
			}
			catch (Throwable ex) {
				lineCallbackFailed(ex);
			}
		}
	}

	private void lineCallbackFailed(Throwable ex) {
		this.linesFailed = true;
		this.failures.record(new IllegalStateException("Line callback failed; output kept draining without it", ex));
	}

}
