package dev.managedprocesses.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class BoundedHistoryTests {

	@Test
	void keepsTheNewestFirstUpToItsSize() {
		BoundedHistory<Integer> history = new BoundedHistory<>(3);
		for (int i = 1; i <= 5; i++) {
			history.add(i);
		}
		assertThat(history.list()).containsExactly(5, 4, 3);
		assertThat(history.capacity()).isEqualTo(3);
	}

	@Test
	void sizeZeroKeepsNothing() {
		BoundedHistory<String> history = new BoundedHistory<>(0);
		history.add("a");
		assertThat(history.list()).isEmpty();
	}

	@Test
	void rejectsBadInput() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BoundedHistory<>(-1)).withMessageContaining("size");
		assertThatNullPointerException().isThrownBy(() -> new BoundedHistory<String>(1).add(null));
	}

	@Test
	void concurrentAddsStayBounded() throws Exception {
		BoundedHistory<Integer> history = new BoundedHistory<>(50);
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			Thread thread = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				for (int i = 0; i < 10_000; i++) {
					history.add(i);
					assertThat(history.list().size()).isLessThanOrEqualTo(50);
				}
			});
			thread.start();
			threads.add(thread);
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(history.list()).hasSize(50);
	}

}
