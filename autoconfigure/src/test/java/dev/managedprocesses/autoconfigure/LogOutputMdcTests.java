package dev.managedprocesses.autoconfigure;

import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessResult;
import dev.managedprocesses.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lines logged by {@code logOutput()} carry the process's name and pid in the MDC,
 * through Logback as a Spring Boot application logs, and the logging thread's own MDC is
 * left as it was.
 */
class LogOutputMdcTests {

	private final String marker = TestProcesses.marker();

	private final ManagedProcessFactory factory = ManagedProcessFactory.create();

	private final Logger logger = (Logger) LoggerFactory.getLogger("dev.managedprocesses.output.mdc-probe");

	/**
	 * Keeps each event with the MDC as it was when logged (Logback reads it lazily
	 * otherwise).
	 */
	private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {

		@Override
		protected void append(ILoggingEvent event) {
			event.prepareForDeferredProcessing();
			super.append(event);
		}

	};

	@BeforeEach
	void attach() {
		this.appender.start();
		this.logger.addAppender(this.appender);
		this.logger.setLevel(Level.INFO);
	}

	@AfterEach
	void detach() {
		this.logger.detachAppender(this.appender);
		this.factory.close();
		MDC.clear();
		if (TestProcesses.linux()) {
			TestProcesses.killAll(this.marker);
		}
	}

	@Test
	void runLogsEachLineWithNameAndPidAndRestoresTheCallersMdc() throws Exception {
		MDC.put("process.name", "caller");
		ProcessResult result = this.factory.command("sh", "-c", "echo out; echo err >&2", this.marker)
			.name("mdc-probe")
			.logOutput()
			.run();
		String pid = Long.toString(result.pid());
		assertThat(this.appender.list).extracting(ILoggingEvent::getFormattedMessage)
			.containsExactlyInAnyOrder("out", "err");
		assertThat(this.appender.list).extracting(ILoggingEvent::getMDCPropertyMap)
			.allSatisfy((mdc) -> assertThat(mdc).containsEntry("process.name", "mdc-probe")
				.containsEntry("process.pid", pid));
		// run() logs on the calling thread: what it had in its MDC is back, and nothing
		// was added
		assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("process.name", "caller"));
	}

	@Test
	void startLogsEachLineWithNameAndPid() {
		ManagedProcess process = this.factory.command("sh", "-c", "echo started", this.marker)
			.name("mdc-probe")
			.logOutput()
			.start();
		process.onExit().join();
		await().untilAsserted(() -> assertThat(this.appender.list).hasSize(1));
		List<ILoggingEvent> events = this.appender.list;
		assertThat(events.get(0).getFormattedMessage()).isEqualTo("started");
		assertThat(events.get(0).getMDCPropertyMap()).containsEntry("process.name", "mdc-probe")
			.containsEntry("process.pid", Long.toString(process.pid()));
	}

}
