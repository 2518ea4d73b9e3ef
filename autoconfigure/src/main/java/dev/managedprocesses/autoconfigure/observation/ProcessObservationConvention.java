package dev.managedprocesses.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * An {@link ObservationConvention} for managed processes. Declare a bean of this type to
 * replace the key values or names of {@link DefaultProcessObservationConvention},
 * typically by extending it.
 */
public interface ProcessObservationConvention extends ObservationConvention<ProcessObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ProcessObservationContext;
	}

}
