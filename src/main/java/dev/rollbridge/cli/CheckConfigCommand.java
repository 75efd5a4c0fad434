package dev.rollbridge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.rollbridge.config.ConfigException;
import dev.rollbridge.config.ConfigLoader;
import dev.rollbridge.config.ConfigProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rollbridge check-config FILE}: every problem of a configuration file, or what it amounts to. */
@Command(name = "check-config", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Check a configuration file without starting anything.",
        description = {
                "Reads FILE as 'rollbridge run --config FILE' would and lists every problem:",
                "its key path, the value found (never a password) and what is allowed. Also",
                "reads the TLS and password files it names. When the file is valid, prints",
                "the configuration the daemon would run with, secrets hidden.",
                "Exit codes: 0 valid (warnings may be printed), 1 invalid."})
final class CheckConfigCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The YAML configuration file (see rollbridge.example.yaml).")
    Path file;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = CommonOptions.DEFAULT_DATA_DIR,
            description = "The data directory assumed when the file names none (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        ConfigLoader.Loaded loaded;
        try {
            loaded = new ConfigLoader(System::getenv, dataDir).load(file);
        } catch (ConfigException e) {
            out.println(file + ": " + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems"));
            for (ConfigProblem p : e.problems()) {
                out.println("  " + p);
            }
            out.println("rollbridge run --config " + file + " would refuse to start.");
            return 1;
        }
        for (String w : loaded.warnings()) {
            out.println("warning: " + w);
        }
        out.println(file + ": valid. The daemon would run with (secrets hidden):");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        for (String line : yaml.writeValueAsString(loaded.config().withoutSecrets()).split("\n")) {
            out.println("  " + line);
        }
        return 0;
    }
}
