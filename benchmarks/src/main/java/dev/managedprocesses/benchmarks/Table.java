package dev.managedprocesses.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * A markdown table for one scenario, with its goal lines.
 */
final class Table {

	private final String title;

	private final List<String> header;

	private final List<List<String>> rows = new ArrayList<>();

	private final List<String> goals = new ArrayList<>();

	Table(String title, String... header) {
		this.title = title;
		this.header = List.of(header);
	}

	Table row(Object... cells) {
		List<String> row = new ArrayList<>();
		for (Object cell : cells) {
			row.add((cell instanceof Double d) ? format(d) : String.valueOf(cell));
		}
		this.rows.add(row);
		return this;
	}

	/** Records a goal and whether it was met; printed as PASS or FAIL. */
	boolean goal(String description, boolean met) {
		this.goals.add((met ? "PASS " : "FAIL ") + description);
		return met;
	}

	List<String> goals() {
		return this.goals;
	}

	String markdown() {
		StringBuilder out = new StringBuilder("### ").append(this.title).append("\n\n");
		out.append("| ").append(String.join(" | ", this.header)).append(" |\n");
		out.append("|").append(" --- |".repeat(this.header.size())).append("\n");
		for (List<String> row : this.rows) {
			out.append("| ").append(String.join(" | ", row)).append(" |\n");
		}
		for (String goal : this.goals) {
			out.append("\n").append(goal);
		}
		return out.append("\n").toString();
	}

	static String format(double value) {
		if (Double.isNaN(value)) {
			return "n/a";
		}
		if (Math.abs(value) >= 100) {
			return String.format("%.0f", value);
		}
		return String.format("%.2f", value);
	}

}
