package dev.managedprocesses.autoconfigure.observation;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.TestProcesses;
import dev.managedprocesses.autoconfigure.ManagedProcessesAutoConfiguration;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With a real tracer as Spring Boot wires it (Micrometer Tracing over OpenTelemetry), a
 * process is a client span, child of the current span; with propagation on, the child
 * sees that span as {@code TRACEPARENT}.
 */
class TracePropagationTests {

	private final String marker = TestProcesses.marker();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ObservationAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
						OpenTelemetryTracingAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
						ManagedProcessesAutoConfiguration.class, ManagedProcessesObservationAutoConfiguration.class))
		.withUserConfiguration(ExporterConfiguration.class)
		.withPropertyValues("managed-processes.subreaper=false", "management.tracing.sampling.probability=1.0");

	@AfterEach
	void cleanUp() {
		if (TestProcesses.linux()) {
			TestProcesses.killAll(this.marker);
		}
	}

	@Test
	void withPropagationTheChildSeesTheProcessSpanAsTraceparent() {
		this.runner.withPropertyValues("managed-processes.tracing.propagate=true").run((context) -> {
			Traced traced = runInSpan(context);
			assertThat(traced.childSaw()).matches("00-" + traced.traceId() + "-[0-9a-f]{16}-01");
			String processSpanId = traced.childSaw().split("-")[2];
			assertThat(processSpanId).isNotEqualTo(traced.parentSpanId());
			SpanData span = exportedProcessSpan(context);
			// the child's parent is the process's span, itself a child of the span
			// current at run()
			assertThat(span.getSpanId()).isEqualTo(processSpanId);
			assertThat(span.getTraceId()).isEqualTo(traced.traceId());
			assertThat(span.getParentSpanId()).isEqualTo(traced.parentSpanId());
		});
	}

	@Test
	void withoutPropagationTheChildSeesNoneButTheSpanIsRecorded() {
		this.runner.run((context) -> {
			Traced traced = runInSpan(context);
			assertThat(traced.childSaw()).isEqualTo("[][]");
			SpanData span = exportedProcessSpan(context);
			assertThat(span.getTraceId()).isEqualTo(traced.traceId());
			assertThat(span.getParentSpanId()).isEqualTo(traced.parentSpanId());
		});
	}

	/**
	 * Runs a child that prints the trace variables it got, inside a parent observation (a
	 * span).
	 */
	private Traced runInSpan(AssertableApplicationContext context) throws InterruptedException {
		ObservationRegistry registry = context.getBean(ObservationRegistry.class);
		Tracer tracer = context.getBean(Tracer.class);
		ManagedProcessFactory factory = context.getBean(ManagedProcessFactory.class);
		String command = "printf %s \"$TRACEPARENT\"; [ -n \"$TRACEPARENT\" ] || printf '[%s][%s]' \"$TRACEPARENT\" \"$TRACESTATE\"";
		Observation parent = Observation.start("test.parent", registry);
		try (Observation.Scope scope = parent.openScope()) {
			Span current = tracer.currentSpan();
			assertThat(current).isNotNull();
			String childSaw = factory.command("sh", "-c", command, this.marker).name("tracee").run().stdout();
			return new Traced(current.context().traceId(), current.context().spanId(), childSaw);
		}
		finally {
			parent.stop();
		}
	}

	private SpanData exportedProcessSpan(AssertableApplicationContext context) {
		InMemorySpanExporter exporter = context.getBean(InMemorySpanExporter.class);
		context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
		await().untilAsserted(() -> assertThat(exporter.getFinishedSpanItems())
			.anyMatch((span) -> span.getName().equals("process tracee")));
		List<SpanData> spans = exporter.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getName().equals("process tracee"))
			.toList();
		assertThat(spans).hasSize(1);
		SpanData span = spans.get(0);
		assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
		assertThat(span.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("EXITED");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("process.exit.code"))).isEqualTo("0");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("process.pid"))).isNotBlank();
		return span;
	}

	private record Traced(String traceId, String parentSpanId, String childSaw) {
	}

	@Configuration(proxyBeanMethods = false)
	static class ExporterConfiguration {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

	}

}
