package dev.managedprocesses.os;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pins (pidfds) against the real kernel: a pinned process is signalled through its
 * handle, a process that is gone is never hit, descriptors are released, and a
 * {@code pidfd_open} failure other than "no such process" falls back to {@code kill(2)}
 * after a start time check.
 */
class PinnedProcessTests {

	private static final int EMFILE = 24;

	private LinuxOperatingSystem os;

	@BeforeEach
	void setUp() {
		assumeTrue(OperatingSystem.current() instanceof LinuxOperatingSystem && OperatingSystem.current().canReap(),
				"needs Linux with /proc and JNA");
		this.os = (LinuxOperatingSystem) OperatingSystem.current();
	}

	@Test
	void signalsThroughThePinAndNeverAfterTheProcessIsGone() throws Exception {
		assumeTrue(pidfdSupported(), "needs pidfd_open (Linux 5.3+)");
		long before = pidfds();
		Process child = new ProcessBuilder("sleep", "30.1").start();
		try {
			ProcessId id = this.os.process(child.pid()).orElseThrow().id();
			try (PinnedProcess pin = this.os.pin(id).orElseThrow()) {
				assertThat(pin.toString()).startsWith("pidfd");
				assertThat(pidfds()).isEqualTo(before + 1);
				assertThat(pin.signal(Signal.TERM)).isTrue();
				assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
				assertThat(child.exitValue()).isEqualTo(128 + 15);
				// reaped by the JDK: the pid is free for reuse, the pidfd still names the
				// process that was
				assertThat(pin.signal(Signal.KILL)).as("gone").isFalse();
			}
			assertThat(pidfds()).as("pidfd closed").isEqualTo(before);
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void noPinForAPidThatNamesAnotherProcessOrNone() throws Exception {
		Process child = new ProcessBuilder("sleep", "30.2").start();
		try {
			ProcessInfo info = this.os.process(child.pid()).orElseThrow();
			long before = pidfds();
			assertThat(this.os.pin(new ProcessId(child.pid(), info.startTime() + 1))).as("reused pid").isEmpty();
			assertThat(pidfds()).as("the pidfd taken to check is closed again").isEqualTo(before);
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			assertThat(this.os.pin(info.id())).as("gone").isEmpty();
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void pidfdOpenFailureOtherThanNoSuchProcessFallsBackToKill() throws Exception {
		AtomicInteger pidfdOpens = new AtomicInteger();
		LinuxOperatingSystem failing = new LinuxOperatingSystem(new ProcFs("/proc"),
				new LinuxNative(pidfdOpenFailing(EMFILE, pidfdOpens), null));
		Process child = new ProcessBuilder("sleep", "30.3").start();
		Process other = new ProcessBuilder("sleep", "30.4").start();
		try {
			ProcessInfo info = failing.process(child.pid()).orElseThrow();
			try (PinnedProcess pin = failing.pin(info.id()).orElseThrow()) {
				assertThat(pin.signal(Signal.TERM)).isTrue();
				assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
				assertThat(child.exitValue()).isEqualTo(128 + 15);
				assertThat(pin.signal(Signal.KILL)).as("start time check: gone").isFalse();
			}
			// the one-shot signal falls back too (before, only ENOSYS did, and every
			// signal failed)
			ProcessInfo otherInfo = failing.process(other.pid()).orElseThrow();
			assertThat(failing.signal(otherInfo.id(), Signal.TERM)).isTrue();
			assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(pidfdOpens.get()).as("pidfd_open was tried").isPositive();
		}
		finally {
			child.destroyForcibly();
			other.destroyForcibly();
		}
	}

	@Test
	void pidfdOpenNotPermittedFallsBackForGood() throws Exception {
		AtomicInteger pidfdOpens = new AtomicInteger();
		LinuxOperatingSystem failing = new LinuxOperatingSystem(new ProcFs("/proc"),
				new LinuxNative(pidfdOpenFailing(LinuxNative.EPERM, pidfdOpens), null));
		Process child = new ProcessBuilder("sleep", "30.5").start();
		try {
			ProcessInfo info = failing.process(child.pid()).orElseThrow();
			failing.pin(info.id()).orElseThrow().close();
			assertThat(failing.pin(info.id()).orElseThrow().signal(Signal.KILL)).isTrue();
			assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(pidfdOpens.get()).as("not tried again after EPERM").isEqualTo(1);
		}
		finally {
			child.destroyForcibly();
		}
	}

	@Test
	void siginfoPidOffsetFollowsThePointerSize() {
		assertThat(LinuxNative.siginfoPidOffset(8)).isEqualTo(16);
		assertThat(LinuxNative.siginfoPidOffset(4)).isEqualTo(12);
		assertThat(LinuxNative.SIGINFO_PID_OFFSET).isEqualTo(Native.POINTER_SIZE == 8 ? 16 : 12);
	}

	/** The real libc, except that {@code pidfd_open} fails with the given errno. */
	private static LinuxNative.CLibrary pidfdOpenFailing(int errno, AtomicInteger calls) {
		LinuxNative.CLibrary real = Native.load("c", LinuxNative.CLibrary.class);
		return (LinuxNative.CLibrary) Proxy.newProxyInstance(LinuxNative.CLibrary.class.getClassLoader(),
				new Class<?>[] { LinuxNative.CLibrary.class }, (proxy, method, args) -> {
					if (method.getName().equals("syscall")
							&& ((Number) args[0]).longValue() == LinuxNative.SYS_PIDFD_OPEN) {
						calls.incrementAndGet();
						throw new LastErrorException(errno);
					}
					try {
						return method.invoke(real, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	private boolean pidfdSupported() {
		Optional<PinnedProcess> self = this.os.pin(this.os.process(this.os.currentPid()).orElseThrow().id());
		self.ifPresent(PinnedProcess::close);
		return self.map((pin) -> pin.toString().startsWith("pidfd")).orElse(false);
	}

	/** How many pidfds this JVM holds. */
	static long pidfds() throws Exception {
		try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
			return fds.filter((fd) -> {
				try {
					return java.nio.file.Files.readSymbolicLink(fd).toString().contains("pidfd");
				}
				catch (Exception ex) {
					return false;
				}
			}).count();
		}
	}

}
