package dev.managedprocesses.os;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads and parses the few {@code /proc} files the starter needs. Files vanish when their process does,
 * so every read answers empty instead of throwing.
 */
final class ProcFs {

	private final String root;

	ProcFs(String root) {
		this.root = root;
	}

	/**
	 * Reads a whole file of {@code /proc}; their size is reported as 0, so read until end of file.
	 */
	Optional<byte[]> read(String relativePath) {
		try (FileInputStream in = new FileInputStream(this.root + "/" + relativePath)) {
			byte[] buffer = new byte[512];
			int length = 0;
			int n;
			while ((n = in.read(buffer, length, buffer.length - length)) > 0) {
				length += n;
				if (length == buffer.length) {
					buffer = Arrays.copyOf(buffer, buffer.length * 2);
				}
			}
			return Optional.of(Arrays.copyOf(buffer, length));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/** Pids of all processes: the numeric entries of {@code /proc}. */
	long[] pids() {
		String[] names = new java.io.File(this.root).list();
		if (names == null) {
			return new long[0];
		}
		long[] pids = new long[names.length];
		int count = 0;
		for (String name : names) {
			long pid = parseNumber(name);
			if (pid > 0) {
				pids[count++] = pid;
			}
		}
		return Arrays.copyOf(pids, count);
	}

	Optional<ProcessInfo> process(long pid) {
		Optional<byte[]> stat = read(pid + "/stat");
		if (stat.isEmpty()) {
			return Optional.empty();
		}
		return parse(pid, new String(stat.get(), StandardCharsets.UTF_8), true);
	}

	/** Like {@link #process(long)} from {@code stat} alone: the command is the kernel's short name. */
	Optional<ProcessInfo> processState(long pid) {
		Optional<byte[]> stat = read(pid + "/stat");
		if (stat.isEmpty()) {
			return Optional.empty();
		}
		return parse(pid, new String(stat.get(), StandardCharsets.UTF_8), false);
	}

	/**
	 * Parses {@code /proc/PID/stat}. The command name (field 2) is in parentheses and may itself hold spaces
	 * and parentheses, so fields are counted from the last {@code ')'}.
	 */
	private Optional<ProcessInfo> parse(long pid, String stat, boolean withCommandLine) {
		int open = stat.indexOf('(');
		int close = stat.lastIndexOf(')');
		if (open < 0 || close < open || close + 2 >= stat.length()) {
			return Optional.empty();
		}
		String comm = stat.substring(open + 1, close);
		String[] fields = stat.substring(close + 2).split(" ");
		// fields[0] is field 3 (state), fields[1] field 4 (ppid), fields[19] field 22 (starttime)
		if (fields.length < 20) {
			return Optional.empty();
		}
		char state = fields[0].isEmpty() ? '?' : fields[0].charAt(0);
		long ppid = parseNumber(fields[1]);
		long startTime = parseNumber(fields[19]);
		List<String> command = (state == 'Z' || !withCommandLine) ? List.of(comm)
				: commandLine(pid).orElse(List.of(comm));
		return Optional.of(new ProcessInfo(pid, ppid, state, startTime, command));
	}

	/** {@code /proc/PID/cmdline}: arguments separated by NUL; empty for zombies and kernel threads. */
	Optional<List<String>> commandLine(long pid) {
		return read(pid + "/cmdline").map(ProcFs::splitNul).filter((args) -> !args.isEmpty());
	}

	Optional<String> environmentVariable(long pid, String name) {
		String prefix = name + "=";
		return read(pid + "/environ").flatMap((bytes) -> splitNul(bytes).stream()
			.filter((entry) -> entry.startsWith(prefix))
			.map((entry) -> entry.substring(prefix.length()))
			.findFirst());
	}

	/** {@code /proc/PID/task/TID/children}: space separated pids. Needs CONFIG_PROC_CHILDREN. */
	Optional<List<Long>> threadChildren(long pid, long tid) {
		return read(pid + "/task/" + tid + "/children").map(ProcFs::parseNumbers);
	}

	List<Long> tasks(long pid) {
		String[] names = new java.io.File(this.root + "/" + pid + "/task").list();
		List<Long> tasks = new ArrayList<>();
		if (names != null) {
			for (String name : names) {
				long tid = parseNumber(name);
				if (tid > 0) {
					tasks.add(tid);
				}
			}
		}
		return tasks;
	}

	/** The innermost pid from the {@code NSpid} line of {@code /proc/self/status}. */
	Optional<Long> namespacePid() {
		return read("self/status").flatMap((bytes) -> new String(bytes, StandardCharsets.UTF_8).lines()
			.filter((line) -> line.startsWith("NSpid:"))
			.findFirst()
			.map((line) -> {
				List<Long> pids = parseNumbers(line.substring("NSpid:".length()).getBytes(StandardCharsets.UTF_8));
				return pids.isEmpty() ? -1L : pids.get(pids.size() - 1);
			}));
	}

	private static List<String> splitNul(byte[] bytes) {
		List<String> parts = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == 0) {
				parts.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
				start = i + 1;
			}
		}
		if (start < bytes.length) {
			parts.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
		}
		return parts;
	}

	private static List<Long> parseNumbers(byte[] bytes) {
		List<Long> numbers = new ArrayList<>();
		for (String token : new String(bytes, StandardCharsets.US_ASCII).trim().split("\\s+")) {
			long number = parseNumber(token);
			if (number >= 0) {
				numbers.add(number);
			}
		}
		return numbers;
	}

	/** Parses a non-negative decimal number, answering -1 for anything else (no exception on hot paths). */
	static long parseNumber(String text) {
		if (text.isEmpty() || text.length() > 18) {
			return -1;
		}
		long value = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
