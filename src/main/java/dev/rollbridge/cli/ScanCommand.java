package dev.rollbridge.cli;

import dev.rollbridge.ble.BleException;
import dev.rollbridge.ble.DeviceFinder;
import dev.rollbridge.ble.Radio;
import dev.rollbridge.ble.bluez.BluezCentral;
import dev.rollbridge.ble.tinyb.TinybCentral;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileException;
import dev.rollbridge.profile.ProfileLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code rollbridge scan}: nearby BLE devices with the profile each one matches. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        header = "List nearby Bluetooth LE devices and the profile each one matches.",
        description = {
                "Scans with the Bluetooth adapter (through bluetoothd) and prints address,",
                "signal strength, name and matching profile. Copy an address into the",
                "config file's devices to connect to exactly that device.",
                "Exit codes: 0 done, 1 Bluetooth unavailable, 2 bad option."})
final class ScanCommand implements Callable<Integer> {

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "10", description = "How long to scan (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "bluez", description = "bluez (default) or tinyb.")
    String backend;

    @Option(names = "--adapter", paramLabel = "NAME", description = "Adapter, e.g. hci0 (default: the first).")
    String adapter;

    @Option(names = "--profiles-dir", paramLabel = "DIR", description = "Also match the profiles in this folder.")
    Path profilesDir;

    @Option(names = "--all", description = "List devices that match no profile too.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (seconds < 1 || seconds > 600) {
            System.err.println("rollbridge scan: --seconds must be 1 to 600, not " + seconds);
            return 2;
        }
        List<DeviceProfile> profiles = new ArrayList<>();
        ProfileLoader loader = new ProfileLoader();
        try {
            if (profilesDir != null) {
                profiles.addAll(loader.loadAll(profilesDir));
            }
            for (String name : ProfileLoader.BUILT_IN) {
                if (profilesDir == null || !Files.isRegularFile(profilesDir.resolve(name + ".yaml"))) {
                    profiles.add(loader.builtIn(name));
                }
            }
        } catch (ProfileException e) {
            System.err.println("rollbridge scan: " + e.getMessage());
            return 2;
        }
        Radio radio;
        try {
            radio = new Radio(switch (backend) {
                case "bluez" -> new BluezCentral(Optional.empty(), Optional.ofNullable(adapter));
                case "tinyb" -> TinybCentral.open(Optional.ofNullable(adapter));
                default -> throw new IllegalArgumentException("--backend must be bluez or tinyb, not " + backend);
            });
        } catch (IllegalArgumentException e) {
            System.err.println("rollbridge scan: " + e.getMessage());
            return 2;
        } catch (BleException e) {
            System.err.println("rollbridge scan: Bluetooth: " + e.getMessage());
            return 1;
        }
        try (radio) {
            if (!radio.central().ready()) {
                System.err.println("rollbridge scan: the Bluetooth adapter is not available (is bluetoothd running, the adapter "
                        + "powered and not blocked by rfkill?)");
                return 1;
            }
            out.println("Scanning for " + seconds + " s ...");
            out.flush();
            List<DeviceFinder.Found> found = new DeviceFinder(radio, profiles).scan(Duration.ofSeconds(seconds));
            out.println(String.format("%-17s  %5s  %-24s  %s", "ADDRESS", "RSSI", "NAME", "PROFILE"));
            int shown = 0;
            for (DeviceFinder.Found f : found) {
                if (f.profile().isEmpty() && !all) {
                    continue;
                }
                shown++;
                out.println(String.format("%-17s  %5s  %-24s  %s", f.advertisement().address(),
                        f.advertisement().rssi().map(String::valueOf).orElse("?"), f.advertisement().name(),
                        f.candidates().isEmpty() ? "-" : String.join(" or ", f.candidates().stream().map(DeviceProfile::name).toList())));
            }
            long others = found.stream().filter(f -> f.profile().isEmpty()).count();
            out.println(shown + " device(s)" + (!all && others > 0 ? "; " + others + " other(s) match no profile (--all lists them)" : "") + ".");
            return 0;
        } catch (BleException e) {
            System.err.println("rollbridge scan: Bluetooth: " + e.getMessage());
            return 1;
        }
    }
}
