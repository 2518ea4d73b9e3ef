package dev.managedprocesses.internal.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls of the event-driven output engine, bound with JNA direct mapping
 * ({@code Native.register}): a direct call costs a plain JNI transition, where a
 * {@code Library} interface proxy pays reflection and argument boxing on every call
 * (measured in docs/io-engine.md). Pointers are passed as raw addresses of direct buffers
 * the callers own, so no call allocates.
 * <p>
 * Every call returns -1 on failure and leaves errno in {@link #errno()}; none throws.
 * EINTR and EAGAIN are handled by the callers, which know whether to retry or to go back
 * to waiting.
 */
final class LinuxIo {

	static final int O_NONBLOCK = 0x800;

	static final int O_CLOEXEC = 0x80000;

	static final int EPOLL_CLOEXEC = O_CLOEXEC;

	static final int EFD_CLOEXEC = O_CLOEXEC;

	static final int EFD_NONBLOCK = O_NONBLOCK;

	static final int EPOLL_CTL_ADD = 1;

	static final int EPOLL_CTL_DEL = 2;

	static final int EPOLLIN = 0x001;

	static final int EPOLLERR = 0x008;

	static final int EPOLLHUP = 0x010;

	static final short POLLIN = 0x001;

	static final short POLLERR = 0x008;

	static final short POLLHUP = 0x010;

	static final short POLLNVAL = 0x020;

	static final int F_GETFL = 3;

	static final int EINTR = 4;

	static final int EAGAIN = 11;

	static final int ESRCH = 3;

	static final int ENOSYS = 38;

	/**
	 * {@code pidfd_open} is 434 in the generic syscall table (aarch64) and on x86_64
	 * alike, since Linux 5.3.
	 */
	static final long SYS_PIDFD_OPEN = 434;

	/**
	 * {@code struct epoll_event} is packed on x86_64 (4 bytes of events, then 8 bytes of
	 * data: 12 bytes) and naturally aligned elsewhere (data at offset 8: 16 bytes).
	 */
	static final int EPOLL_EVENT_SIZE = (Platform.isIntel() && Platform.is64Bit()) ? 12 : 16;

	static final int EPOLL_DATA_OFFSET = (Platform.isIntel() && Platform.is64Bit()) ? 4 : 8;

	/** {@code struct pollfd}: int fd, short events, short revents. */
	static final int POLLFD_SIZE = 8;

	private static final String FAILURE;

	static {
		String failure = null;
		if (!Platform.isLinux() || !(Platform.isIntel() || Platform.isARM()) || !Platform.is64Bit()) {
			failure = "the event-driven output engine runs on 64-bit Linux (x86_64, aarch64) only";
		}
		else {
			try {
				Native.register(LinuxIo.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
			}
			catch (Throwable ex) {
				failure = "JNA could not bind libc for the output engine: " + ex;
			}
		}
		FAILURE = failure;
	}

	private LinuxIo() {
	}

	/** Why the engine cannot run here, or {@code null} when it can. */
	static String failure() {
		return FAILURE;
	}

	static int errno() {
		return Native.getLastError();
	}

	/** A native-order direct buffer, for structs and read buffers. */
	static ByteBuffer allocate(int size) {
		return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
	}

	static long address(ByteBuffer direct) {
		return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
	}

	static native int pipe2(int[] fds, int flags);

	static native int epoll_create1(int flags);

	static native int epoll_ctl(int epfd, int op, int fd, long event);

	static native int epoll_wait(int epfd, long events, int maxEvents, int timeoutMillis);

	static native int poll(long fds, long count, int timeoutMillis);

	static native long read(int fd, long buffer, long count);

	static native long write(int fd, long buffer, long count);

	static native int close(int fd);

	static native int fcntl(int fd, int command, int argument);

	static native int eventfd(int initial, int flags);

	static native long syscall(long number, long arg1, long arg2);

	static native int waitid(int idType, int id, long info, int options);

	/** {@code waitid} id type: the id is a pidfd (Linux 5.4+). */
	static final int P_PIDFD = 3;

	static final int WNOHANG = 1;

	static final int WEXITED = 4;

	/** Leaves the child waitable: its exit status stays for the JDK to collect. */
	static final int WNOWAIT = 0x01000000;

	/**
	 * {@code siginfo_t} size, and the offsets of {@code si_code}, {@code si_pid},
	 * {@code si_status}.
	 */
	static final int SIGINFO_SIZE = 128;

	static final int SI_CODE = 8;

	static final int SI_PID = 16;

	static final int SI_STATUS = 24;

	static final int CLD_EXITED = 1;

	/**
	 * {@code pidfd_open(pid, 0)}.
	 * @return the pidfd, or -1 with errno set (ESRCH: gone; ENOSYS: kernel older than
	 * 5.3)
	 */
	static int pidfdOpen(long pid) {
		return (int) syscall(SYS_PIDFD_OPEN, pid, 0L);
	}

}
