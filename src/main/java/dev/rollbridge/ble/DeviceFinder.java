package dev.rollbridge.ble;

import dev.rollbridge.profile.DeviceProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Scanning: lists what is nearby with the profile each device matches ({@code rollbridge scan}),
 * and finds a device for each configured profile that names no address.
 */
public final class DeviceFinder {
    private static final Logger log = LoggerFactory.getLogger(DeviceFinder.class);

    /**
     * A nearby device and the profiles it may be: one Thingy:52 is a ball or a roller depending on
     * what it was put in, and only the configuration can say which.
     */
    public record Found(BleCentral.Advertisement advertisement, List<DeviceProfile> candidates) {
        /** The first profile it matches, if any. */
        public Optional<DeviceProfile> profile() {
            return candidates.stream().findFirst();
        }

        public boolean couldBe(DeviceProfile p) {
            return candidates.stream().anyMatch(c -> c.name().equals(p.name()));
        }
    }

    private final Radio radio;
    private final List<DeviceProfile> known;

    public DeviceFinder(Radio radio, List<DeviceProfile> known) {
        this.radio = radio;
        this.known = List.copyOf(known);
    }

    /** Scans for {@code time} and lists every device the adapter then knows, strongest first. */
    public List<Found> scan(Duration time) throws BleException, InterruptedException {
        BleCentral central = radio.central();
        radio.exclusive(() -> {
            radio.countScan();
            central.startDiscovery();
            try {
                Thread.sleep(time.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                central.stopDiscovery();
            }
            return null;
        });
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        List<Found> out = new ArrayList<>();
        for (BleCentral.Advertisement a : central.devices()) {
            out.add(new Found(a, profilesOf(a, known)));
        }
        out.sort((x, y) -> Integer.compare(y.advertisement().rssi().orElse(-999), x.advertisement().rssi().orElse(-999)));
        return out;
    }

    /**
     * The profile a device is: the one its advertised name matches, else one whose service it
     * advertises (a ball and a roller may share a service, never a name).
     */
    static Optional<DeviceProfile> profileOf(BleCentral.Advertisement a, List<DeviceProfile> profiles) {
        return profilesOf(a, profiles).stream().findFirst();
    }

    /** Every profile a device may be: those its advertised name matches, else those whose service it advertises. */
    static List<DeviceProfile> profilesOf(BleCentral.Advertisement a, List<DeviceProfile> profiles) {
        List<DeviceProfile> byName = profiles.stream()
                .filter(p -> a.name() != null && !a.name().isEmpty() && p.namePattern().matcher(a.name()).matches()).toList();
        return !byName.isEmpty() ? byName
                : profiles.stream().filter(p -> a.serviceUuids().stream().anyMatch(p.serviceUuids()::contains)).toList();
    }

    /**
     * One address for each wanted profile, distinct, never one in {@code taken}: scans round after
     * round of {@code roundTime} until all are found (a device may be switched on later).
     */
    public List<String> assign(List<DeviceProfile> wanted, Set<String> taken, Duration roundTime) throws BleException, InterruptedException {
        List<String> assigned = new ArrayList<>();
        int round = 0;
        while (true) {
            assigned.clear();
            Set<String> used = new HashSet<>(taken);
            List<Found> nearby = scan(roundTime);
            for (DeviceProfile p : wanted) {
                Optional<String> address = nearby.stream()
                        .filter(f -> f.couldBe(p))
                        .map(f -> f.advertisement().address())
                        .filter(a -> !used.contains(a))
                        .findFirst();
                if (address.isEmpty()) {
                    break;
                }
                used.add(address.get());
                assigned.add(address.get());
            }
            if (assigned.size() == wanted.size()) {
                return List.copyOf(assigned);
            }
            round++;
            if (round == 1 || round % 6 == 0) {
                log.warn("still looking for {} ({} found so far); is it switched on and near? Give its address in the config to skip this",
                        wanted.get(assigned.size()).name(), assigned.size());
            }
        }
    }
}
