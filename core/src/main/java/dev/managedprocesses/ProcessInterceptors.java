package dev.managedprocesses;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProcessInterceptor interceptors} of one factory, and the interceptions of
 * its live processes until they finish. With no interceptor every call returns at once
 * and nothing is allocated; an interceptor that throws is logged and skipped.
 */
final class ProcessInterceptors {

	private static final Logger logger = LoggerFactory.getLogger(ProcessInterceptors.class);

	private final List<ProcessInterceptor> interceptors;

	/**
	 * The interceptions of started processes, until they finish; empty without
	 * interceptors.
	 */
	private final Map<DefaultManagedProcess, Interceptions> live = new ConcurrentHashMap<>();

	ProcessInterceptors(List<ProcessInterceptor> interceptors) {
		this.interceptors = List.copyOf(interceptors);
	}

	/**
	 * Calls every interceptor before the spawn, on the calling thread.
	 * @param spec what starts
	 * @param environment the child's environment, where interceptors' variables go
	 * @return what hears how this start goes ({@link Interceptions#NONE} without
	 * interceptors)
	 */
	Interceptions beforeStart(ProcessSpec spec, Map<String, String> environment) {
		if (this.interceptors.isEmpty()) {
			return Interceptions.NONE;
		}
		View view = new View(spec, environment);
		List<ProcessInterceptor.Interception> interceptions = new ArrayList<>(this.interceptors.size());
		try {
			for (ProcessInterceptor interceptor : this.interceptors) {
				try {
					ProcessInterceptor.Interception interception = interceptor.beforeStart(view);
					if (interception != null && interception != ProcessInterceptor.Interception.NONE) {
						interceptions.add(interception);
					}
				}
				catch (RuntimeException ex) {
					logger.warn("Process interceptor {} failed before the start of {}", interceptor, spec.command(),
							ex);
				}
			}
		}
		finally {
			view.closed = true;
		}
		return interceptions.isEmpty() ? Interceptions.NONE : new Interceptions(interceptions);
	}

	/** The process was spawned: tells its interceptions, and keeps them for its end. */
	void started(DefaultManagedProcess process, Interceptions interceptions) {
		if (interceptions != Interceptions.NONE) {
			this.live.put(process, interceptions);
			interceptions.started(process.pid());
		}
	}

	/** The process finished: tells its interceptions, if any. */
	void finished(DefaultManagedProcess process, ProcessResult result) {
		if (!this.live.isEmpty()) {
			Interceptions interceptions = this.live.remove(process);
			if (interceptions != null) {
				interceptions.finished(result);
			}
		}
	}

	/** The interceptions of one start. */
	static final class Interceptions {

		static final Interceptions NONE = new Interceptions(List.of());

		private final List<ProcessInterceptor.Interception> interceptions;

		private Interceptions(List<ProcessInterceptor.Interception> interceptions) {
			this.interceptions = interceptions;
		}

		private void started(long pid) {
			for (ProcessInterceptor.Interception interception : this.interceptions) {
				try {
					interception.started(pid);
				}
				catch (RuntimeException ex) {
					logger.warn("Process interception {} failed on the start of pid {}", interception, pid, ex);
				}
			}
		}

		void startFailed(ProcessStartException failure) {
			for (ProcessInterceptor.Interception interception : this.interceptions) {
				try {
					interception.startFailed(failure);
				}
				catch (RuntimeException ex) {
					logger.warn("Process interception {} failed on a start failure", interception, ex);
				}
			}
		}

		private void finished(ProcessResult result) {
			for (ProcessInterceptor.Interception interception : this.interceptions) {
				try {
					interception.finished(result);
				}
				catch (RuntimeException ex) {
					logger.warn("Process interception {} failed on the end of pid {}", interception, result.pid(), ex);
				}
			}
		}

	}

	/** What an interceptor sees of a starting process. */
	private static final class View implements ProcessInterceptor.StartingProcess {

		private final ProcessSpec spec;

		private final Map<String, String> environment;

		private volatile boolean closed;

		private View(ProcessSpec spec, Map<String, String> environment) {
			this.spec = spec;
			this.environment = environment;
		}

		@Override
		public String name() {
			return this.spec.name();
		}

		@Override
		public List<String> command() {
			return this.spec.command();
		}

		@Override
		public Optional<Path> directory() {
			return this.spec.directory();
		}

		@Override
		public void environment(String name, String value) {
			if (this.closed) {
				throw new IllegalStateException("environment(" + name + ", ...) called after beforeStart returned");
			}
			if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
				throw new IllegalArgumentException("Bad environment variable name '" + name + "'");
			}
			if (name.equals(ManagedProcessFactory.TREE_VARIABLE)) {
				throw new IllegalArgumentException(ManagedProcessFactory.TREE_VARIABLE + " belongs to the factory");
			}
			if (value == null || value.indexOf('\0') >= 0) {
				throw new IllegalArgumentException("Bad value for environment variable " + name);
			}
			if (!this.spec.environment().containsKey(name)) {
				this.environment.put(name, value);
			}
		}

	}

}
