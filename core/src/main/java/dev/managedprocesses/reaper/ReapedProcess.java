package dev.managedprocesses.reaper;

import java.time.Instant;
import java.util.List;

import dev.managedprocesses.os.ExitStatus;

/**
 * An orphan the reaper waited for.
 *
 * @param pid its pid
 * @param command its command from when it was seen alive, or the kernel's short name of the zombie
 * @param status how it ended
 * @param reapedAt when it was reaped
 */
public record ReapedProcess(long pid, List<String> command, ExitStatus status, Instant reapedAt) {

	public ReapedProcess {
		command = List.copyOf(command);
	}

}
