package dev.managedprocesses.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.managedprocesses.ManagedProcess;
import dev.managedprocesses.ManagedProcessFactory;
import dev.managedprocesses.ProcessResult;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Starts realistic jobs through the {@link ManagedProcessFactory}, the way a service
 * would: a shell pipeline, a script that leaves orphans behind, a job that ignores
 * SIGTERM, and one that times out.
 */
@RestController
@RequestMapping("/jobs")
class JobsController {

	private final ManagedProcessFactory processes;

	JobsController(ManagedProcessFactory processes) {
		this.processes = processes;
	}

	/**
	 * A "thumbnail" job: a small shell pipeline that takes a moment and prints a result.
	 */
	@PostMapping("/thumbnail")
	ResponseEntity<Job> thumbnail() {
		ManagedProcess process = this.processes
			.command("sh", "-c", "sleep 1; seq 1 200000 | sort -rn | head -n 3 | tr '\\n' ' '")
			.name("thumbnail")
			.timeout(Duration.ofSeconds(30))
			.start();
		return accepted(process);
	}

	/**
	 * A script that backgrounds helpers and exits at once: the helpers are orphaned and
	 * come to this JVM. Once all of them exist, each sleeps the given seconds.
	 */
	@PostMapping("/orphans")
	ResponseEntity<Job> orphans(@RequestParam(defaultValue = "10") int count,
			@RequestParam(defaultValue = "1") double seconds) {
		if (count < 1 || count > 5000) {
			throw new IllegalArgumentException("count must be between 1 and 5000, was " + count);
		}
		if (!(seconds > 0 && seconds <= 3600)) {
			throw new IllegalArgumentException("seconds must be more than 0 and at most 3600, was " + seconds);
		}
		// Every helper blocks reading a fifo until the maker and every other helper has
		// closed its write end,
		// that is until all of them exist: only then does each one's clock start, however
		// slowly the maker forks.
		String script = "gate=$(mktemp -u); mkfifo \"$gate\" && exec 3<>\"$gate\" 4<\"$gate\" && rm \"$gate\"; i=0; while [ $i -lt "
				+ count + " ]; do ( exec 3>&-; read _ <&4; exec sleep " + seconds + " ) & i=$((i+1)); done; exit 0";
		return accepted(this.processes.command("sh", "-c", script).name("orphan-maker").discardOutput().start());
	}

	/**
	 * A long job that ignores SIGTERM: stopping it takes the grace period, then SIGKILL.
	 */
	@PostMapping("/stubborn")
	ResponseEntity<Job> stubborn() {
		return accepted(this.processes.command("sh", "-c", "trap '' TERM; sleep 600 & wait; wait")
			.name("stubborn")
			.gracePeriod(Duration.ofSeconds(2))
			.start());
	}

	/** A job that runs past its timeout: the whole tree is stopped, outcome TIMED_OUT. */
	@PostMapping("/timeout")
	ResponseEntity<Job> timeout() {
		return accepted(this.processes.command("sh", "-c", "sleep 600 & sleep 600; wait")
			.name("too-slow")
			.timeout(Duration.ofSeconds(3))
			.gracePeriod(Duration.ofSeconds(1))
			.start());
	}

	@GetMapping
	Map<String, List<?>> jobs() {
		return Map.of("live", this.processes.processes().stream().map(Job::of).toList(), "recent",
				this.processes.history().stream().map(Finished::of).toList());
	}

	@DeleteMapping("/{pid}")
	ResponseEntity<Job> stop(@PathVariable long pid) {
		return this.processes.find(pid).map((process) -> {
			process.stop();
			return ResponseEntity.accepted().body(Job.of(process));
		}).orElse(ResponseEntity.notFound().build());
	}

	@org.springframework.web.bind.annotation.ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException ex) {
		return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", ex.getMessage()));
	}

	private static ResponseEntity<Job> accepted(ManagedProcess process) {
		return ResponseEntity.accepted().body(Job.of(process));
	}

	record Job(long pid, String name, String state, Instant startedAt) {

		static Job of(ManagedProcess process) {
			return new Job(process.pid(), process.name(), process.state().name(), process.startedAt());
		}

	}

	record Finished(long pid, String name, String outcome, int exitCode, boolean killed, String duration,
			String stdout) {

		static Finished of(ProcessResult result) {
			return new Finished(result.pid(), result.name(), result.outcome().name(), result.exitCode(),
					result.killed(), result.duration().toString(), result.stdout());
		}

	}

}
