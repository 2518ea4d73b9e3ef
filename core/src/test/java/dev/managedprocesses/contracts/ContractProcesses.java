package dev.managedprocesses.contracts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small /proc helpers for the contract tests (issue 10) that {@code TestProcesses} does
 * not have.
 */
final class ContractProcesses {

	private ContractProcesses() {
	}

	/** Whether a pid is a live process, not a zombie (Linux). */
	static boolean isAlive(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The live members among {@code pids}. */
	static List<Long> alive(List<Long> pids) {
		return pids.stream().filter(ContractProcesses::isAlive).toList();
	}

	/** The platform threads whose name starts with a prefix. */
	static List<String> threadsNamed(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((n) -> n.startsWith(prefix))
			.toList();
	}

}
