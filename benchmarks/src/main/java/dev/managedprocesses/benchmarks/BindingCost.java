package dev.managedprocesses.benchmarks;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * What one JNA call costs, the way the engine binds libc (direct mapping,
 * {@code Native.register}) against a {@code Library} interface proxy, with and without
 * errno through {@link LastErrorException}. The call is {@code fcntl(0, F_GETFL)}: a real
 * system call that does next to nothing, so the binding's own cost shows.
 */
final class BindingCost {

	private static final int F_GETFL = 3;

	private BindingCost() {
	}

	static Table run(int calls) {
		Table table = new Table(
				"13. One JNA call, `fcntl(0, F_GETFL)` (ns per call, " + calls + " calls, after warm-up)", "binding",
				"ns per call");
		if (!Platform.isLinux()) {
			table.row("unavailable here", Double.NaN);
			return table;
		}
		Proxy proxy = Native.load(Platform.C_LIBRARY_NAME, Proxy.class);
		ProxyWithErrno withErrno = Native.load(Platform.C_LIBRARY_NAME, ProxyWithErrno.class);
		double direct = 0;
		double viaProxy = 0;
		double viaProxyErrno = 0;
		for (int round = 0; round < 3; round++) {
			direct = time(calls, () -> Direct.fcntl(0, F_GETFL, 0));
			viaProxy = time(calls, () -> proxy.fcntl(0, F_GETFL, 0));
			viaProxyErrno = time(calls, () -> withErrno.fcntl(0, F_GETFL, 0));
		}
		table.row("direct mapping (the engine's LinuxIo)", direct);
		table.row("Library interface", viaProxy);
		table.row("Library interface, throws LastErrorException", viaProxyErrno);
		table.goal("direct mapping is the cheaper binding (" + Table.format(direct) + " <= " + Table.format(viaProxy)
				+ " ns)", direct <= viaProxy);
		return table;
	}

	private static double time(int calls, java.util.function.IntSupplier call) {
		long sink = 0;
		long start = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			sink += call.getAsInt();
		}
		double ns = (System.nanoTime() - start) / (double) calls;
		if (sink == Long.MIN_VALUE) {
			System.out.println(sink);
		}
		return ns;
	}

	/** Direct mapping. */
	static final class Direct {

		static {
			Native.register(Direct.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
		}

		private Direct() {
		}

		static native int fcntl(int fd, int command, int argument);

	}

	/** Interface mapping. */
	public interface Proxy extends Library {

		int fcntl(int fd, int command, int argument);

	}

	/** Interface mapping with errno as an exception. */
	public interface ProxyWithErrno extends Library {

		int fcntl(int fd, int command, int argument) throws LastErrorException;

	}

}
