package dev.rollbridge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.config.ConfigEditor;
import dev.rollbridge.config.ConfigException;
import dev.rollbridge.config.ConfigLoader;
import dev.rollbridge.config.ConfigProblem;
import dev.rollbridge.json.Json;
import dev.rollbridge.login.BrokerLogin;
import dev.rollbridge.login.PasswordHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code rollbridge lan on|off|status}: the dashboard and the embedded broker on the home network, behind logins. */
@Command(name = "lan", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Turn LAN mode on or off: the dashboard and the broker reachable from a phone or Home Assistant, behind logins.",
        description = {
                "on: makes a password for the dashboard and a username and password for the",
                "embedded MQTT broker (each shown once, only their hashes are kept), writes the",
                "'lan:' section of the configuration file (the rest of the file, comments and",
                "all, stays as it was) and announces both over mDNS (an Avahi service file),",
                "so they are found at http://<this machine's name>.local:8080/. Run again, it",
                "keeps the logins it made, unless --new-passwords.",
                "off: the dashboard and the broker back on 127.0.0.1 only (logins kept).",
                "status: what the file says, no secret.",
                "The file is root's: run it with sudo, then: sudo systemctl restart rollbridge",
                "Exit codes: 0 done, 1 the file cannot be read or written, 2 bad input."})
final class LanCommand implements Callable<Integer> {
    enum Action { on, off, status }

    static final String AVAHI_FILE = "rollbridge.service";

    @Parameters(paramLabel = "on|off|status", description = "What to do.")
    Action action;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "/etc/rollbridge/config.yaml",
            description = "The configuration file (default ${DEFAULT-VALUE}).")
    Path configFile;

    @Option(names = "--new-passwords", description = "Make new passwords even if the file has logins (the old ones stop working).")
    boolean newPasswords;

    @Option(names = "--broker-username", paramLabel = "NAME", defaultValue = "rollbridge",
            description = "The embedded broker's username for new logins (default ${DEFAULT-VALUE}).")
    String brokerUsername;

    @Option(names = "--avahi-dir", paramLabel = "DIR", defaultValue = "/etc/avahi/services",
            description = "Where Avahi reads service files (default ${DEFAULT-VALUE}); nothing is announced if it does not exist.")
    Path avahiDir;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = CommonOptions.DEFAULT_DATA_DIR,
            description = "The data directory assumed when the file names none (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        if (!BrokerLogin.isUsername(brokerUsername)) {
            System.err.println("rollbridge lan: --broker-username: 1 to 64 letters, digits, '.', '_' or '-', not " + BrokerLogin.RESERVED_USERNAME + " (the bridge's own)");
            return 2;
        }
        String text;
        JsonNode root;
        try {
            if (Files.size(configFile) > ConfigLoader.MAX_BYTES) {
                System.err.println("rollbridge lan: " + configFile + " is larger than " + ConfigLoader.MAX_BYTES / 1024
                        + " kB: not a rollbridge configuration (see: rollbridge check-config " + configFile + ")");
                return 1;
            }
            text = Files.readString(configFile, StandardCharsets.UTF_8);
            root = text.isBlank() ? Json.readYaml("{}") : Json.readYaml(text);
        } catch (NoSuchFileException e) {
            System.err.println("rollbridge lan: " + configFile + ": no such file (the package installs /etc/rollbridge/config.yaml)");
            return 1;
        } catch (AccessDeniedException e) {
            System.err.println("rollbridge lan: " + configFile + ": permission denied, try sudo");
            return 1;
        } catch (JsonProcessingException | StackOverflowError e) {
            System.err.println("rollbridge lan: " + configFile + " is not a valid configuration; see: rollbridge check-config " + configFile);
            return 1;
        } catch (IOException e) {
            // Not UTF-8, or unreadable.
            System.err.println("rollbridge lan: " + configFile + ": cannot read it: " + e.getMessage());
            return 1;
        }
        if (root == null || !root.isObject()) {
            System.err.println("rollbridge lan: " + configFile + " is not a configuration (a mapping); see rollbridge.example.yaml");
            return 1;
        }
        JsonNode lan = root.path("lan");
        int dashboardPort = root.path("dashboard").path("port").asInt(8080);
        boolean embedded = !root.path("mqtt").has("broker");
        int brokerPort = root.path("mqtt").path("embedded_port").asInt(1883);
        String host = hostName();
        if (action == Action.status) {
            boolean on = lan.path("enabled").asBoolean(false);
            out.println(configFile + ": LAN mode " + (on ? "on" : "off"));
            out.println("  dashboard login: " + (PasswordHash.parse(lan.path("dashboard_password_hash").asText(null)).isPresent() ? "set" : "none"));
            out.println("  broker login: " + (PasswordHash.parse(lan.path("broker_password_hash").asText(null)).isPresent()
                    ? "user " + lan.path("broker_username").asText("rollbridge") : "none"));
            if (on) {
                printAddresses(out, host, dashboardPort, embedded, brokerPort);
            }
            return 0;
        }
        // Problems in the file other than its lan section are the person's to fix first: this command writes only that section.
        List<ConfigProblem> before = problems(configFile);
        List<ConfigProblem> elsewhere = before.stream().filter(p -> !p.path().equals("lan") && !p.path().startsWith("lan.")).toList();
        if (!elsewhere.isEmpty()) {
            System.err.println("rollbridge lan: fix " + configFile + " first (this command changes only its lan section):");
            elsewhere.forEach(p -> System.err.println("  " + p));
            return 1;
        }
        List<String> section = new ArrayList<>();
        section.add("lan:");
        section.add("  # LAN mode ('rollbridge lan on|off'): the dashboard and the embedded broker on every interface, each behind");
        section.add("  # its login. The passwords were shown once when made; only their hashes are kept here.");
        section.add("  enabled: " + (action == Action.on));
        char[] dashboardPassword = null;
        char[] brokerPassword = null;
        Optional<PasswordHash> dashboardHash = PasswordHash.parse(lan.path("dashboard_password_hash").asText(null));
        Optional<PasswordHash> brokerHash = PasswordHash.parse(lan.path("broker_password_hash").asText(null));
        String username = lan.path("broker_username").isTextual() && brokerHash.isPresent() && !newPasswords
                ? lan.path("broker_username").asText() : brokerUsername;
        if (action == Action.on && (newPasswords || dashboardHash.isEmpty() || brokerHash.isEmpty())) {
            dashboardPassword = PasswordHash.newPassword();
            brokerPassword = PasswordHash.newPassword();
            dashboardHash = Optional.of(PasswordHash.of(dashboardPassword));
            brokerHash = Optional.of(PasswordHash.of(brokerPassword));
            username = brokerUsername;
        }
        dashboardHash.ifPresent(h -> section.add("  dashboard_password_hash: \"" + h.encoded() + "\""));
        if (brokerHash.isPresent()) {
            section.add("  broker_username: " + username);
            section.add("  broker_password_hash: \"" + brokerHash.get().encoded() + "\"");
        }
        try {
            ConfigEditor.replace(configFile, ConfigEditor.withSection(text, "lan", section));
        } catch (AccessDeniedException e) {
            System.err.println("rollbridge lan: " + configFile + ": permission denied, try sudo");
            return 1;
        } catch (IOException e) {
            System.err.println("rollbridge lan: " + configFile + ": cannot write it: " + e.getMessage() + " (it is unchanged)");
            return 1;
        }
        List<ConfigProblem> after = problems(configFile);
        if (!after.isEmpty()) {
            // Not expected: put the file back as it was rather than leave one the daemon refuses.
            try {
                ConfigEditor.replace(configFile, text);
            } catch (IOException e) {
                System.err.println("rollbridge lan: could not restore " + configFile + ": " + e.getMessage());
            }
            System.err.println("rollbridge lan: the new lan section was refused, the file is as it was:");
            after.forEach(p -> System.err.println("  " + p));
            return 1;
        }
        String announced = announce(action == Action.on, dashboardPort, embedded, brokerPort);
        if (action == Action.off) {
            out.println("LAN mode is off in " + configFile + ": the dashboard and the embedded broker listen on 127.0.0.1 only"
                    + " (the logins are kept for 'rollbridge lan on').");
        } else {
            out.println("LAN mode is on in " + configFile + ".");
            printAddresses(out, host, dashboardPort, embedded, brokerPort);
            if (dashboardPassword != null) {
                out.println();
                out.println("  dashboard password:  " + new String(dashboardPassword));
                if (embedded) {
                    out.println("  broker login:        " + username + " / " + new String(brokerPassword));
                }
                out.println();
                out.println("These are shown only now: keep them (a password manager). Only their hashes are in the file;");
                out.println("lost, make new ones with: sudo rollbridge lan on --new-passwords");
                Arrays.fill(dashboardPassword, '\0');
                Arrays.fill(brokerPassword, '\0');
            } else {
                out.println("  The logins made before are kept (their passwords were shown then; --new-passwords makes new ones).");
            }
        }
        out.println(announced);
        out.println("Apply it: sudo systemctl restart rollbridge");
        return 0;
    }

    private void printAddresses(PrintStream out, String host, int dashboardPort, boolean embedded, int brokerPort) {
        if (dashboardPort >= 0) {
            out.println("  dashboard:   http://" + host + ".local:" + dashboardPort + "/  (or this machine's address)");
        }
        if (embedded) {
            out.println("  MQTT broker: " + host + ".local port " + brokerPort + " (Home Assistant: Settings > Devices > MQTT)");
        }
    }

    private List<ConfigProblem> problems(Path file) {
        try {
            new ConfigLoader(System::getenv, dataDir).load(file);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    /** Writes or removes the Avahi service file; says what it did. */
    private String announce(boolean on, int dashboardPort, boolean embedded, int brokerPort) {
        Path file = avahiDir.resolve(AVAHI_FILE);
        try {
            if (!on) {
                return Files.deleteIfExists(file) ? "No longer announced over mDNS (removed " + file + ")." : "";
            }
            if (!Files.isDirectory(avahiDir)) {
                return "Not announced over mDNS: " + avahiDir + " does not exist (sudo apt install avahi-daemon, then run this again).";
            }
            Files.writeString(file, avahiService(dashboardPort, embedded, brokerPort), StandardCharsets.UTF_8);
            return "Announced over mDNS (" + file + "): phones and Home Assistant find it as " + hostName() + ".local.";
        } catch (AccessDeniedException e) {
            return "Not announced over mDNS: " + file + ": permission denied, try sudo.";
        } catch (IOException e) {
            return "Not announced over mDNS: " + file + ": " + e.getMessage();
        }
    }

    /** An Avahi service group: the dashboard as _http._tcp and the broker as _mqtt._tcp, on this machine's own name. */
    static String avahiService(int dashboardPort, boolean embedded, int brokerPort) {
        StringBuilder xml = new StringBuilder();
        xml.append("<?xml version=\"1.0\" standalone='no'?>\n")
                .append("<!DOCTYPE service-group SYSTEM \"avahi-service.dtd\">\n")
                .append("<!-- Written by 'rollbridge lan on'; removed by 'rollbridge lan off'. -->\n")
                .append("<service-group>\n")
                .append("  <name replace-wildcards=\"yes\">rollbridge on %h</name>\n");
        if (dashboardPort >= 0) {
            xml.append("  <service>\n    <type>_http._tcp</type>\n    <port>").append(dashboardPort)
                    .append("</port>\n    <txt-record>path=/</txt-record>\n  </service>\n");
        }
        if (embedded) {
            xml.append("  <service>\n    <type>_mqtt._tcp</type>\n    <port>").append(brokerPort).append("</port>\n  </service>\n");
        }
        return xml.append("</service-group>\n").toString();
    }

    /** This machine's name as mDNS announces it (Avahi uses the host name). */
    static String hostName() {
        try {
            String name = Files.readString(Path.of("/etc/hostname")).strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                return name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
            }
        } catch (IOException e) {
            // fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "raspberrypi";
        }
    }
}
