package dev.managedprocesses.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.os.OperatingSystem;
import dev.managedprocesses.os.ProcessId;
import dev.managedprocesses.os.ProcessInfo;
import dev.managedprocesses.os.ProcessTable;

import static org.awaitility.Awaitility.await;

/**
 * Starts test process trees and collects every member, to prove none survives.
 */
final class ProcessTrees {

	private ProcessTrees() {
	}

	/** A tree of three: {@code sh} (carrying the marker), a child {@code sh}, a grandchild {@code sleep}. */
	static ManagedProcess startTree(ManagedProcessFactory factory, String marker, boolean ignoreTerm) {
		String script = (ignoreTerm ? "trap '' TERM; " : "") + "sh -c 'sleep 300; :' & wait";
		return factory.command("sh", "-c", script, marker).discardOutput().start();
	}

	/** Waits until every tree has its grandchild, then returns the ids of every member, roots included. */
	static List<ProcessId> waitForMembers(List<ManagedProcess> roots) {
		OperatingSystem os = OperatingSystem.current();
		List<ProcessId> members = new ArrayList<>();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
			ProcessTable table = ProcessTable.read(os);
			members.clear();
			for (ManagedProcess root : roots) {
				List<ProcessInfo> tree = table.descendants(List.of(root.pid()));
				if (tree.size() < 2) {
					return false;
				}
				table.get(root.pid()).ifPresent((info) -> members.add(info.id()));
				tree.forEach((info) -> members.add(info.id()));
			}
			return true;
		});
		return members;
	}

	/** The members still alive (zombies count as dead). */
	static List<ProcessId> survivors(List<ProcessId> members) {
		ProcessTable table = ProcessTable.read(OperatingSystem.current());
		return members.stream().filter(table::isAlive).toList();
	}

}
