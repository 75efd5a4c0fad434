package dev.rollbridge.cli;

import dev.rollbridge.bridge.Bridge;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rollbridge}: the command line. Exit codes: 0 done, 1 failed while running, 2 bad input. */
@Command(name = "rollbridge",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
                "Bridges Bluetooth pressure-sensing massage tools (ball, foam roller) to",
                "MQTT, checking each self-massage against the hamstring guide's rules:",
                "hold time, rolling speed, pressure, warm-up.",
                "",
                "Start with: rollbridge run (embedded broker, simulated ball)."},
        subcommands = {RunCommand.class, CheckConfigCommand.class, ScanCommand.class, ReplayCommand.class, BenchCommand.class, HistoryCommand.class, DashboardCommand.class, LanCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line in this JVM and returns its exit code (tests call this). */
    public static int execute(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"rollbridge " + Bridge.version()};
        }
    }
}
