package dev.rollbridge.config;

import java.util.List;

/** A configuration file that cannot be used, with every problem found in it (not just the first). */
public final class ConfigException extends RuntimeException {
    private final String file;
    private final List<ConfigProblem> problems;

    public ConfigException(String file, List<ConfigProblem> problems) {
        super(file + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "\n  "
                + String.join("\n  ", problems.stream().map(ConfigProblem::toString).toList()));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public String file() {
        return file;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
