package dev.managedprocesses.benchmarks;

import dev.managedprocesses.TestProcesses;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CI runs every benchmark scenario once, tiny, to prove it still runs and produces
 * numbers. The numbers themselves mean nothing at this size: goals are checked by
 * {@code benchmarks/run-all.sh}, not here.
 */
class BenchmarkSmokeTest {

	@Test
	void everyScenarioRunsAndProducesATable() throws Exception {
		assumeTrue(TestProcesses.linux(), "the scenarios find their processes in /proc");
		List<Table> tables = BenchmarkMain.run(Scenarios.Size.smoke(), List.of());
		assertThat(tables).hasSize(13);
		assertThat(tables).allSatisfy((table) -> assertThat(table.markdown()).contains("| --- |"));
		// the behaviour the starter promises holds even at this size
		assertThat(tables.get(3).goals()).singleElement().asString().startsWith("PASS");
		assertThat(tables.get(4).goals()).singleElement().asString().startsWith("PASS");
		assertThat(tables.get(6).goals()).singleElement().asString().startsWith("PASS");
		// the engine captured byte-exact output through the factory (scenario 10 checks
		// it)
		assertThat(tables.get(9).markdown()).doesNotContain("n/a");
		// and the factory itself captures through the engine (run() and start()), with no
		// pump thread per process
		assertThat(tables.get(9).markdown()).contains("| managed-processes |")
			.contains("| managed-processes start() |");
		assertThat(tables.get(9).goals())
			.anySatisfy((goal) -> assertThat(goal).startsWith("PASS factory on the engine path"));
		// stop one by one, the actuator over HTTP and the binding cost produced their
		// rows
		assertThat(tables.get(10).markdown()).contains("| managed-processes, stop() |");
		assertThat(tables.get(11).markdown()).contains("| /actuator/processes |").contains("| /actuator/health |");
		assertThat(tables.get(12).markdown()).contains("| direct mapping");
	}

}
