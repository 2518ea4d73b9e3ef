package dev.managedprocesses.reaper;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A fifo that test processes block on ({@code read _ <&4} after {@code exec 4<fifo})
 * until this JVM releases them: the only writer is this JVM, so closing it gives every
 * reader end of file at once. Processes that must outlive their maker wait on it instead
 * of a fixed sleep, so how fast the maker forks never matters.
 */
final class OrphanGate {

	private final Path path;

	private final RandomAccessFile writer;

	private OrphanGate(Path path, RandomAccessFile writer) {
		this.path = path;
		this.writer = writer;
	}

	static OrphanGate open() throws IOException, InterruptedException {
		Path dir = Files.createTempDirectory("orphan-gate");
		Path path = dir.resolve("fifo");
		Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
		if (!mkfifo.waitFor(30, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
			throw new IOException("mkfifo " + path + " failed");
		}
		// read-write: opening a fifo this way never blocks, and keeps a writer until
		// release()
		return new OrphanGate(path, new RandomAccessFile(path.toFile(), "rw"));
	}

	String path() {
		return this.path.toString();
	}

	/** Releases every process blocked on the gate, and removes the fifo. */
	void release() throws IOException {
		this.writer.close();
		Files.deleteIfExists(this.path);
		Files.deleteIfExists(this.path.getParent());
	}

}
