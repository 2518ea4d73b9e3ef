package dev.managedprocesses.autoconfigure.service;

import dev.managedprocesses.service.ServiceDefinition;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when a service is declared: a {@code managed-processes.services.*} property or
 * a {@link ServiceDefinition} bean. Without services nothing is created, not even a
 * thread.
 */
class OnServicesCondition extends AnyNestedCondition {

	OnServicesCondition() {
		super(ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnBean(ServiceDefinition.class)
	static class DefinitionBeans {

	}

	@Conditional(ServiceProperties.class)
	static class Properties {

	}

	static class ServiceProperties extends SpringBootCondition {

		private static final ConfigurationPropertyName NAME = ConfigurationPropertyName
			.of("managed-processes.services");

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
				if (source.containsDescendantOf(NAME) == ConfigurationPropertyState.PRESENT) {
					return ConditionOutcome.match("managed-processes.services.* is set");
				}
			}
			return ConditionOutcome.noMatch("no managed-processes.services.* property");
		}

	}

}
