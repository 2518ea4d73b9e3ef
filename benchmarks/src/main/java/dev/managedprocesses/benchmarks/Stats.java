package dev.managedprocesses.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Median, 99th percentile and maximum of a sample.
 */
record Stats(double median, double p99, double max, int count) {

	static Stats of(List<Double> values) {
		if (values.isEmpty()) {
			return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
		}
		List<Double> sorted = new ArrayList<>(values);
		sorted.removeIf((value) -> value.isNaN());
		if (sorted.isEmpty()) {
			return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
		}
		Collections.sort(sorted);
		return new Stats(percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1), sorted.size());
	}

	private static double percentile(List<Double> sorted, int percent) {
		int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

}
