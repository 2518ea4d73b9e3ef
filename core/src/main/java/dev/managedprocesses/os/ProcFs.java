package dev.managedprocesses.os;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads and parses the few {@code /proc} files the starter needs. Files vanish when their
 * process does, so every read answers empty instead of throwing.
 */
final class ProcFs {

	/**
	 * Nanoseconds per clock tick of the CPU times in {@code stat}: the kernel exports
	 * them in {@code USER_HZ}, which is 100 on every Linux architecture the JDK runs on.
	 */
	private static final long NANOS_PER_TICK = 10_000_000L;

	private final String root;

	/** The page size in bytes, read on first use (0: not yet). */
	private volatile long pageSize;

	ProcFs(String root) {
		this.root = root;
	}

	/**
	 * Reads a whole file of {@code /proc}; their size is reported as 0, so read until end
	 * of file.
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
		return process(pid, true);
	}

	/**
	 * One process from {@code /proc/PID/stat}, and its command line from
	 * {@code /proc/PID/cmdline} when asked: without it the command is the kernel's short
	 * name, and the read costs one file instead of two.
	 */
	Optional<ProcessInfo> process(long pid, boolean withCommandLine) {
		byte[] stat = new byte[STAT_BUFFER];
		int length = readStat(pid, stat);
		if (length < 0) {
			return Optional.empty();
		}
		return parse(pid, stat, length, withCommandLine);
	}

	/** Large enough for any {@code stat} line (52 numbers and a 16-byte name). */
	private static final int STAT_BUFFER = 1024;

	/**
	 * Reads {@code /proc/PID/stat} with one {@code read}: the kernel writes the whole
	 * line at once, so a read that leaves the buffer short has it all (loops of table
	 * reads spent a second {@code read} per process only to see the end of the file).
	 * @return the length read, or -1 when the process is gone
	 */
	private int readStat(long pid, byte[] buffer) {
		try (FileInputStream in = new FileInputStream(this.root + "/" + pid + "/stat")) {
			int length = 0;
			int n;
			while ((n = in.read(buffer, length, buffer.length - length)) > 0) {
				length += n;
				if (length < buffer.length) {
					return length;
				}
			}
			// a line that filled the buffer is not one the kernel writes
			return (length < buffer.length) ? length : -1;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * Parses {@code /proc/PID/stat} in place, without a string per field: table reads
	 * parse thousands of lines. The command name (field 2) is in parentheses and may
	 * itself hold spaces and parentheses, so fields are counted from the last
	 * {@code ')'}.
	 */
	Optional<ProcessInfo> parseStat(long pid, byte[] stat, int length) {
		int open = -1;
		for (int i = 0; i < length; i++) {
			if (stat[i] == '(') {
				open = i;
				break;
			}
		}
		int close = -1;
		for (int i = length - 1; i > open; i--) {
			if (stat[i] == ')') {
				close = i;
				break;
			}
		}
		if (open < 0 || close < 0 || close + 2 >= length) {
			return Optional.empty();
		}
		// fields[0] is field 3 (state), [1] field 4 (ppid), [11] and [12] fields 14 and
		// 15 (utime, stime), [17] field 20 (num_threads), [19] field 22 (starttime),
		// [21] field 24 (rss)
		char state = (char) stat[close + 2];
		long[] fields = new long[22];
		int count = 0;
		int start = close + 2;
		for (int i = start; i <= length && count < fields.length; i++) {
			if (i == length || stat[i] == ' ' || stat[i] == '\n') {
				// the state (field 0) is a letter, not a number: read above
				fields[count] = (count == 0) ? 0 : parseNumber(stat, start, i);
				count++;
				start = i + 1;
			}
		}
		if (count < 20) {
			return Optional.empty();
		}
		String comm = new String(stat, open + 1, close - open - 1, StandardCharsets.UTF_8);
		ProcessUsage usage = (count < fields.length) ? ProcessUsage.UNKNOWN : usage(fields);
		return Optional.of(new ProcessInfo(pid, fields[1], state, fields[19], List.of(comm), usage));
	}

	private Optional<ProcessInfo> parse(long pid, byte[] stat, int length, boolean withCommandLine) {
		Optional<ProcessInfo> parsed = parseStat(pid, stat, length);
		if (parsed.isEmpty() || !withCommandLine || parsed.get().isZombie()) {
			return parsed;
		}
		ProcessInfo info = parsed.get();
		return commandLine(pid)
			.map((command) -> new ProcessInfo(info.pid(), info.parentPid(), info.state(), info.startTime(), command,
					info.usage()))
			.or(() -> parsed);
	}

	/**
	 * Resource use from the same {@code stat} line: fields 14 and 15 (utime, stime, in
	 * clock ticks), 20 (num_threads) and 24 (rss, in pages).
	 */
	private ProcessUsage usage(long[] fields) {
		long utime = fields[11];
		long stime = fields[12];
		long threads = fields[17];
		long rssPages = fields[21];
		long cpuNanos = (utime >= 0 && stime >= 0) ? (utime + stime) * NANOS_PER_TICK : -1;
		long pageSize = pageSize();
		long rss = (rssPages >= 0 && pageSize > 0) ? rssPages * pageSize : -1;
		return new ProcessUsage(cpuNanos, rss, (int) Math.min(threads, Integer.MAX_VALUE));
	}

	/**
	 * The number of entries of {@code /proc/PID/fd}: the process's open descriptors.
	 * Since Linux 6.2 the directory's size is that number, so one {@code stat} tells it
	 * (half the time of a listing, which the overview makes for every member); a size of
	 * 0 (older kernels) falls back to listing it, readable for processes of the same user
	 * only.
	 */
	int openFiles(long pid) {
		String directory = this.root + "/" + pid + "/fd";
		try {
			long size = java.nio.file.Files.size(java.nio.file.Path.of(directory));
			if (size > 0) {
				return (int) Math.min(size, Integer.MAX_VALUE);
			}
		}
		catch (IOException ex) {
			return -1;
		}
		String[] entries = new java.io.File(directory).list();
		return (entries != null) ? entries.length : -1;
	}

	/**
	 * The peak resident size so far, {@code VmHWM} of {@code /proc/PID/status}, in bytes;
	 * -1 when unknown.
	 */
	long peakResidentBytes(long pid) {
		return read(pid + "/status").map((bytes) -> bytesOf(new String(bytes, StandardCharsets.US_ASCII), "VmHWM:"))
			.orElse(-1L);
	}

	/**
	 * The kernel's page size, for the rss field of {@code stat} (in pages):
	 * {@code KernelPageSize} of the first mapping in {@code /proc/self/smaps}, read once;
	 * 4096 when that cannot be read.
	 */
	private long pageSize() {
		long size = this.pageSize;
		if (size == 0) {
			size = 4096;
			try (java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
					new FileInputStream(this.root + "/self/smaps"), StandardCharsets.US_ASCII))) {
				String line;
				int lines = 0;
				while ((line = reader.readLine()) != null && lines++ < 64) {
					if (line.startsWith("KernelPageSize:")) {
						long bytes = bytesOf(line, "KernelPageSize:");
						if (bytes > 0) {
							size = bytes;
						}
						break;
					}
				}
			}
			catch (IOException ex) {
				// keep the common size
			}
			this.pageSize = size;
		}
		return size;
	}

	/** The value of a {@code key: n kB} line, in bytes; -1 when absent. */
	private static long bytesOf(String text, String key) {
		int start = text.indexOf(key);
		if (start < 0) {
			return -1;
		}
		int end = text.indexOf('\n', start);
		String value = text.substring(start + key.length(), (end < 0) ? text.length() : end).trim();
		if (value.endsWith("kB")) {
			value = value.substring(0, value.length() - 2).trim();
			long kb = parseNumber(value);
			return (kb >= 0) ? kb * 1024 : -1;
		}
		return parseNumber(value);
	}

	/**
	 * {@code /proc/PID/cmdline}: arguments separated by NUL; empty for zombies and kernel
	 * threads.
	 */
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

	/**
	 * {@code /proc/PID/task/TID/children}: space separated pids. Needs
	 * CONFIG_PROC_CHILDREN.
	 */
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

	/**
	 * Parses a non-negative decimal number, answering -1 for anything else (no exception
	 * on hot paths).
	 */
	/** A decimal number of at most 18 digits in {@code bytes[from, to)}, or -1. */
	static long parseNumber(byte[] bytes, int from, int to) {
		if (from >= to || to - from > 18) {
			return -1;
		}
		long value = 0;
		for (int i = from; i < to; i++) {
			byte c = bytes[i];
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

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
