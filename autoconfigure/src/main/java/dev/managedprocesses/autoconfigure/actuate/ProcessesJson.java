package dev.managedprocesses.autoconfigure.actuate;

import java.util.function.Function;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.util.ClassUtils;

/**
 * Finds the JSON writer of the web layer for the {@code processes} endpoint, so that the
 * document written ahead (UTF-8 bytes, written verbatim) is the very document a request
 * would have serialized itself. Spring Boot writes an {@code OperationResponseBody} with
 * the isolated actuator mapper ({@link EndpointJsonMapper}) when there is one, else with
 * the application's {@link JsonMapper}; this picks the same, in the same order. Jackson 3
 * is optional: this class is only loaded when it is on the classpath.
 */
final class ProcessesJson {

	private static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

	private ProcessesJson() {
	}

	/**
	 * The writer the web layer would use.
	 * @param beanFactory the bean factory
	 * @return the writer, or {@code null} when there is no Jackson 3 mapper (then the web
	 * layer serializes each response itself, as for any endpoint)
	 */
	static Function<ProcessesDescriptor, byte[]> writer(BeanFactory beanFactory) {
		if (!ClassUtils.isPresent(JSON_MAPPER, ProcessesJson.class.getClassLoader())) {
			return null;
		}
		return Jackson.writer(beanFactory);
	}

	/**
	 * The part that names Jackson 3 types: loaded only once Jackson 3 is known to be
	 * there.
	 */
	private static final class Jackson {

		static Function<ProcessesDescriptor, byte[]> writer(BeanFactory beanFactory) {
			EndpointJsonMapper endpointMapper = beanFactory.getBeanProvider(EndpointJsonMapper.class).getIfUnique();
			JsonMapper mapper = (endpointMapper != null) ? endpointMapper.get()
					: beanFactory.getBeanProvider(JsonMapper.class).getIfUnique();
			return (mapper != null) ? mapper::writeValueAsBytes : null;
		}

	}

}
