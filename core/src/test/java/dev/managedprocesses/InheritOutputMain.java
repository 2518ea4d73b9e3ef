package dev.managedprocesses;

/**
 * Run in a separate JVM by {@link OutputDestinationTests}: starts a child with inherited
 * output, so what the child writes must appear on this JVM's own standard output and
 * standard error.
 */
public final class InheritOutputMain {

	private InheritOutputMain() {
	}

	public static void main(String[] args) throws Exception {
		try (ManagedProcessFactory factory = ManagedProcessFactory.create()) {
			ProcessResult result = factory
				.command("sh", "-c", "echo child-out-" + args[0] + "; echo child-err-" + args[0] + " >&2")
				.inheritOutput()
				.run();
			System.out.println("captured-stdout=[" + result.stdout() + "] exit=" + result.exitCode());
		}
	}

}
