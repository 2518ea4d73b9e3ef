package dev.managedprocesses.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CI runs every benchmark scenario once, tiny, to prove it still runs and produces numbers. The numbers
 * themselves mean nothing at this size: goals are checked by {@code benchmarks/run-all.sh}, not here.
 */
class BenchmarkSmokeTest {

	@Test
	void everyScenarioRunsAndProducesATable() throws Exception {
		assumeTrue(MarkedProcesses.linux(), "the scenarios find their processes in /proc");
		List<Table> tables = BenchmarkMain.run(Scenarios.Size.smoke(), List.of());
		assertThat(tables).hasSize(9);
		assertThat(tables).allSatisfy((table) -> assertThat(table.markdown()).contains("| --- |"));
		// the behaviour the starter promises holds even at this size
		assertThat(tables.get(3).goals()).singleElement().asString().startsWith("PASS");
		assertThat(tables.get(4).goals()).singleElement().asString().startsWith("PASS");
		assertThat(tables.get(6).goals()).singleElement().asString().startsWith("PASS");
	}

}
