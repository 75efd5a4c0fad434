package dev.rollbridge.profile;

import dev.rollbridge.analysis.Capability;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Reads and validates device profiles. Every problem is reported as a {@link ProfileException}
 * naming the file, the field path and what was expected; unknown keys are errors too, so a typo
 * never silently falls back to a default.
 */
public final class ProfileLoader {

    /** Profiles that ship inside the jar (copied from {@code device-profiles/}). */
    /** The largest number a threshold may be given (each is at least 0; some have tighter limits of their own). */
    public static final double THRESHOLD_MAX = 1e9;

    public static final List<String> BUILT_IN = List.of("rollsense-ball", "rollsense-roller",
            "thingy52-ball", "thingy52-roller", "oriori-ball", "nano33-ble-sense", "ess-pressure");

    private static final Set<String> SAMPLE_FIELDS =
            Set.of("gyro_x", "gyro_y", "gyro_z", "accel_x", "accel_y", "accel_z", "pressure");
    private static final Set<String> HEADER_FIELDS = Set.of("type", "count", "seq", "t0");

    /** Loads a shipped profile by name. */
    public DeviceProfile builtIn(String name) {
        String resource = "/device-profiles/" + name + ".yaml";
        try (InputStream in = ProfileLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ProfileException(name + ".yaml", "",
                        "no such built-in profile (known: " + String.join(", ", BUILT_IN) + ")");
            }
            return parse(name + ".yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Finds a profile by name: a {@code NAME.yaml} in {@code dir} wins over the built-in one. */
    public DeviceProfile byName(String name, Optional<Path> dir) {
        if (dir.isPresent()) {
            Path file = dir.get().resolve(name + ".yaml");
            if (Files.isRegularFile(file)) {
                return load(file);
            }
        }
        return builtIn(name);
    }

    public DeviceProfile load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ProfileException(file.toString(), "", "cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    /** Loads every {@code *.yaml} directly in {@code dir}, sorted by name. */
    public List<DeviceProfile> loadAll(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<DeviceProfile> out = new ArrayList<>();
            for (Path p : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                out.add(load(p));
            }
            return out;
        } catch (IOException e) {
            throw new ProfileException(dir.toString(), "", "cannot list: " + e.getMessage());
        }
    }

    public DeviceProfile parse(String file, String yaml) {
        JsonNode root;
        try {
            root = Json.readYaml(yaml);
        } catch (JsonProcessingException e) {
            throw new ProfileException(file, "", "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        }
        if (root == null || !root.isObject()) {
            throw new ProfileException(file, "", "expected a mapping at the top level");
        }
        return new Reader(file).profile(new Node(file, "", root));
    }

    /** Converts the tree with its field paths into the profile, one section at a time. */
    private static final class Reader {
        private final String file;

        Reader(String file) {
            this.file = file;
        }

        DeviceProfile profile(Node root) {
            boolean channelWire = root.has("notifications");
            if (channelWire) {
                root.allowOnly("name", "description", "manufacturer", "device_id_prefix", "match", "geometry", "capabilities",
                        "characteristics", "battery_level", "notifications", "writes", "baseline", "thresholds");
            } else {
                root.allowOnly("name", "description", "manufacturer", "device_id_prefix", "match", "geometry", "sample_rate_hz",
                        "characteristics", "battery_level", "sample", "frames", "control", "thresholds");
            }
            String name = root.text("name");
            if (!name.matches("[a-z0-9][a-z0-9-]*")) {
                throw root.child("name").error("'" + name + "' must be lower-case letters, digits and dashes");
            }
            String prefix = root.optionalText("device_id_prefix").orElse(name.replace('-', '_'));
            if (!prefix.matches("[a-z0-9_]+")) {
                throw root.child("device_id_prefix").error("'" + prefix + "' must be lower-case letters, digits and _");
            }

            Node match = root.child("match");
            match.allowOnly("name_pattern", "service_uuids");
            Pattern pattern = regex(match.child("name_pattern"));
            List<UUID> services = new ArrayList<>();
            for (Node n : match.child("service_uuids").elements()) {
                services.add(n.uuid());
            }

            Node geometry = root.child("geometry");
            geometry.allowOnly("contact_radius_cm", "contact_area_cm2");
            double radius = geometry.number("contact_radius_cm", 0.1, 100);
            OptionalDouble area = geometry.has("contact_area_cm2")
                    ? OptionalDouble.of(geometry.number("contact_area_cm2", 0.1, 10_000)) : OptionalDouble.empty();

            Node chars = root.child("characteristics");
            Map<String, Characteristic> named = new LinkedHashMap<>();
            if (!channelWire) {
                chars.allowOnly("data", "control", "battery");
            }
            for (String key : chars.keys()) {
                if (!key.matches("[a-z0-9_]+")) {
                    throw chars.child(key).error("a characteristic's name must be lower-case letters, digits and _");
                }
                named.put(key, characteristic(chars.child(key)));
            }
            Optional<Characteristic> battery = Optional.ofNullable(named.get("battery"));
            FieldSpec batteryLevel = battery.isPresent() || root.has("battery_level")
                    ? field("battery_level", root.child("battery_level"))
                    : new FieldSpec("battery_level", FieldType.U8, 0, 1, "%");

            Wire wire;
            Set<Capability> capabilities;
            if (channelWire) {
                ChannelLayout layout = channelLayout(root, named, area);
                wire = layout;
                capabilities = capabilities(root.child("capabilities"), layout);
            } else {
                wire = framedWire(root, chars);
                capabilities = EnumSet.allOf(Capability.class);
            }

            Thresholds thresholds = thresholds(root.child("thresholds"), channelWire, capabilities.contains(Capability.PRESSURE));
            return new DeviceProfile(name, root.optionalText("description").orElse(name), prefix, pattern,
                    List.copyOf(services), radius, wire, battery, batteryLevel, Collections.unmodifiableSet(capabilities),
                    root.optionalText("manufacturer"), thresholds, file);
        }

        private Pattern regex(Node n) {
            try {
                if (!n.json.isTextual()) {
                    throw n.error("expected a regular expression in quotes");
                }
                return Pattern.compile(n.json.asText());
            } catch (PatternSyntaxException e) {
                throw n.error("not a valid regular expression: " + e.getDescription());
            }
        }

        private FramedWire framedWire(Node root, Node chars) {
            double rate = root.number("sample_rate_hz", 1, 2000);
            Characteristic data = characteristic(chars.child("data"));
            Characteristic control = characteristic(chars.child("control"));
            SampleLayout sample = sample(root.child("sample"));
            List<FrameLayout> frames = new ArrayList<>();
            for (Node f : root.child("frames").elements()) {
                FrameLayout layout = frame(f, sample.size());
                for (FrameLayout other : frames) {
                    if (other.id() == layout.id()) {
                        throw f.child("id").error("frame type " + layout.id() + " is defined twice");
                    }
                }
                frames.add(layout);
            }
            if (frames.isEmpty()) {
                throw root.child("frames").error("at least one frame type is required");
            }
            Map<String, byte[]> commands = new LinkedHashMap<>();
            if (root.has("control")) {
                Node controlNode = root.child("control");
                for (String key : controlNode.keys()) {
                    commands.put(key, controlNode.child(key).hex());
                }
            }
            return new FramedWire(rate, data, control, sample, List.copyOf(frames), Map.copyOf(commands));
        }

        private ChannelLayout channelLayout(Node root, Map<String, Characteristic> named, OptionalDouble area) {
            Node notifications = root.child("notifications");
            List<Notification> list = new ArrayList<>();
            Map<String, String> carriedBy = new LinkedHashMap<>();
            for (String key : notifications.keys()) {
                Node n = notifications.child(key);
                Characteristic c = named.get(key);
                if (c == null) {
                    throw n.error("no characteristic '" + key + "' under characteristics (known: " + String.join(", ", named.keySet()) + ")");
                }
                if (!c.access().equals("notify") && !c.access().equals("indicate")) {
                    throw n.error("characteristic '" + key + "' has access " + c.access() + "; a notification needs notify or indicate");
                }
                Notification notification = notification(key, c, n, area);
                for (ChannelField f : notification.fields()) {
                    String before = carriedBy.putIfAbsent(f.channel(), key);
                    if (before != null) {
                        throw n.child("channels").child(f.channel()).error("channel '" + f.channel()
                                + "' is carried by notification '" + before + "' already");
                    }
                }
                list.add(notification);
            }
            if (list.isEmpty()) {
                throw notifications.error("at least one notification is required");
            }
            // Notifications are told apart by their characteristic's UUID alone.
            Map<UUID, String> byUuid = new LinkedHashMap<>();
            for (Notification n : list) {
                String before = byUuid.putIfAbsent(n.characteristic().uuid(), n.name());
                if (before != null) {
                    throw notifications.child(n.name()).error("has the UUID of notification '" + before + "'");
                }
            }
            Characteristic battery = named.get("battery");
            if (battery != null && byUuid.containsKey(battery.uuid())) {
                throw notifications.child(byUuid.get(battery.uuid())).error("has the UUID of the battery characteristic");
            }
            for (String axes : List.of("gyro", "accel")) {
                long n = Stream.of("_x", "_y", "_z").filter(a -> carriedBy.containsKey(axes + a)).count();
                if (n != 0 && n != 3) {
                    throw notifications.error("give all three of " + axes + "_x, " + axes + "_y, " + axes + "_z or none");
                }
            }
            if (carriedBy.containsKey("accel_x") && !carriedBy.containsKey("gyro_x")) {
                throw notifications.error("accel_* without gyro_*: rolling is measured by the gyro; the accelerometer only says where down is");
            }
            if (!carriedBy.containsKey("pressure") && !carriedBy.containsKey("gyro_x")) {
                throw notifications.error("no pressure and no gyro_* channel: the bridge would have nothing to check");
            }
            List<GattWrite> connect = new ArrayList<>();
            List<GattWrite> stop = new ArrayList<>();
            if (root.has("writes")) {
                Node writes = root.child("writes");
                writes.allowOnly("connect", "stop");
                if (writes.has("connect")) {
                    connect.addAll(writes(writes.child("connect"), named));
                }
                if (writes.has("stop")) {
                    stop.addAll(writes(writes.child("stop"), named));
                }
            }
            Optional<Baseline> baseline = Optional.empty();
            if (root.has("baseline")) {
                Node b = root.child("baseline");
                b.allowOnly("pressure");
                Node p = b.child("pressure");
                p.allowOnly("rest_ms", "band_kpa");
                if (!carriedBy.containsKey("pressure")) {
                    throw p.error("a pressure baseline needs a pressure channel");
                }
                baseline = Optional.of(new Baseline(p.integer("rest_ms", 100, 600_000), p.number("band_kpa", 0, 1_000)));
            }
            return new ChannelLayout(List.copyOf(list), List.copyOf(connect), List.copyOf(stop), baseline);
        }

        private Notification notification(String name, Characteristic c, Node n, OptionalDouble area) {
            double rate = n.number("rate_hz", 0.1, 1000);
            Node channels = n.child("channels");
            List<ChannelField> fields = new ArrayList<>();
            if (n.has("text")) {
                n.allowOnly("rate_hz", "text", "format", "channels");
                Pattern text = regex(n.child("text"));
                Set<String> groups = new TreeSet<>();
                Matcher g = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>").matcher(text.pattern());
                while (g.find()) {
                    // The pattern's source can look like it names a group (inside \Q..\E, a class, a comment):
                    // only one the compiled pattern really has counts.
                    if (hasGroup(text, g.group(1))) {
                        groups.add(g.group(1));
                    }
                }
                for (String channel : channels.keys()) {
                    Node f = channels.child(channel);
                    f.allowOnly("group", "scale", "add", "unit", "valid");
                    checkChannel(channels, channel);
                    String group = f.text("group");
                    if (!groups.contains(group)) {
                        throw f.child("group").error("the text pattern has no group '" + group + "' (it has: " + String.join(", ", groups) + ")");
                    }
                    double scale = f.has("scale") ? nonZero(f, "scale") : 1.0;
                    double add = f.has("add") ? f.number("add", -1e9, 1e9) : 0;
                    String unit = f.text("unit");
                    double[] valid = valid(f);
                    fields.add(new ChannelField(channel, unit, null, 0, ByteOrder.LITTLE_ENDIAN, scale, null, null, add, group,
                            unitFactor(f.child("unit"), channel, unit, area), valid[0], valid[1]));
                }
                Optional<String> format = n.optionalText("format");
                if (format.isPresent()) {
                    checkFormat(n.child("format"), format.get(), text, fields);
                }
                return new Notification(name, c, rate, 0, Optional.of(text), format, List.copyOf(fields));
            }
            n.allowOnly("rate_hz", "byte_order", "size", "channels");
            int size = (int) n.integer("size", 1, 512);
            ByteOrder order = byteOrder(n.child("byte_order"));
            for (String channel : channels.keys()) {
                Node f = channels.child(channel);
                f.allowOnly("type", "offset", "scale", "q", "add", "fraction", "unknown", "unit", "byte_order", "valid");
                checkChannel(channels, channel);
                FieldType type;
                try {
                    type = FieldType.parse(f.text("type"));
                } catch (IllegalArgumentException e) {
                    throw f.child("type").error(e.getMessage());
                }
                int offset = (int) f.integer("offset", 0, 511);
                if (f.has("scale") && f.has("q")) {
                    throw f.error("give scale or q (a Q-format's fraction bits), not both");
                }
                double scale = f.has("q") ? Math.scalb(1.0, -(int) f.integer("q", 0, 31)) : f.has("scale") ? nonZero(f, "scale") : 1.0;
                double add = f.has("add") ? f.number("add", -1e9, 1e9) : 0;
                ByteOrder fieldOrder = f.has("byte_order") ? byteOrder(f.child("byte_order")) : order;
                FieldSpec fraction = null;
                if (f.has("fraction")) {
                    fraction = field(channel + ".fraction", f.child("fraction"));
                    if (type == FieldType.F32 || fraction.type() == FieldType.F32) {
                        throw f.child("fraction").error("a fraction goes with an integer field");
                    }
                    if (fraction.end() > size) {
                        throw f.child("fraction").child("offset").error("field ends at byte " + fraction.end() + ", beyond the size " + size);
                    }
                }
                Long unknown = f.has("unknown") ? f.integer("unknown", Long.MIN_VALUE, Long.MAX_VALUE) : null;
                if (offset + type.size() > size) {
                    throw f.child("offset").error("field ends at byte " + (offset + type.size()) + ", beyond the size " + size);
                }
                String unit = f.text("unit");
                double[] valid = valid(f);
                ChannelField field = new ChannelField(channel, unit, type, offset, fieldOrder, scale, fraction, unknown, add, null,
                        unitFactor(f.child("unit"), channel, unit, area), valid[0], valid[1]);
                for (ChannelField other : fields) {
                    if (overlaps(field, other)) {
                        throw f.child("offset").error("overlaps channel '" + other.channel() + "'");
                    }
                }
                fields.add(field);
            }
            if (fields.isEmpty()) {
                throw channels.error("at least one channel is required");
            }
            return new Notification(name, c, rate, size, Optional.empty(), Optional.empty(), List.copyOf(fields));
        }

        /** A text format writes each channel's group, or a flag of another group rising, and writes what the pattern reads. */
        private static void checkFormat(Node n, String format, Pattern text, List<ChannelField> fields) {
            try {
                String example = TextFormat.write(format, fields, channel -> 1.0, group -> false);
                if (!text.matcher(example).matches()) {
                    throw n.error("writes '" + example + "', which the text pattern does not read");
                }
            } catch (IllegalArgumentException e) {
                throw n.error(e.getMessage());
            }
        }

        /** Whether the compiled pattern has this named group: naming it again is then an error. */
        private static boolean hasGroup(Pattern pattern, String group) {
            try {
                Pattern.compile("(?:" + pattern.pattern() + ")|(?<" + group + ">)", pattern.flags());
                return false;
            } catch (PatternSyntaxException e) {
                return true;
            }
        }

        private static boolean overlaps(ChannelField a, ChannelField b) {
            List<int[]> spans = new ArrayList<>();
            for (ChannelField f : List.of(a, b)) {
                int[] span = {f.offset(), f.offset() + f.type().size()};
                spans.add(span);
            }
            boolean main = spans.get(0)[0] < spans.get(1)[1] && spans.get(1)[0] < spans.get(0)[1];
            boolean fractions = (a.fraction() != null && b.fraction() != null && a.fraction().overlaps(b.fraction()));
            return main || fractions;
        }

        /** {@code valid: [min, max]} in the field's unit: readings outside are no reading. */
        private static double[] valid(Node f) {
            if (!f.has("valid")) {
                return new double[]{Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
            }
            List<Node> bounds = f.child("valid").elements();
            if (bounds.size() != 2 || !bounds.get(0).json.isNumber() || !bounds.get(1).json.isNumber()
                    || bounds.get(0).json.asDouble() >= bounds.get(1).json.asDouble()) {
                throw f.child("valid").error("expected [min, max] with min below max, in the field's unit");
            }
            return new double[]{bounds.get(0).json.asDouble(), bounds.get(1).json.asDouble()};
        }

        private static void checkChannel(Node channels, String channel) {
            if (!ChannelField.CHANNELS.contains(channel)) {
                throw channels.child(channel).error("unknown channel (expected one of " + String.join(", ", ChannelField.CHANNELS) + ")");
            }
        }

        private static double nonZero(Node f, String key) {
            double v = f.number(key, -1e9, 1e9);
            if (v == 0) {
                throw f.child(key).error("must not be 0");
            }
            return v;
        }

        private static double unitFactor(Node n, String channel, String unit, OptionalDouble area) {
            String kind = ChannelField.kind(channel);
            Double factor = ChannelField.UNITS.get(kind).get(unit);
            if (factor != null) {
                return factor;
            }
            if (kind.equals("pressure") && ChannelField.FORCE_UNITS.containsKey(unit)) {
                if (area.isEmpty()) {
                    throw n.error("a load in " + unit + " becomes a pressure over geometry.contact_area_cm2, which is missing");
                }
                return ChannelField.FORCE_UNITS.get(unit) / area.getAsDouble();
            }
            Set<String> known = new TreeSet<>(ChannelField.UNITS.get(kind).keySet());
            if (kind.equals("pressure")) {
                known.addAll(ChannelField.FORCE_UNITS.keySet());
            }
            throw n.error("'" + unit + "' is not a unit for " + channel + " (expected one of " + String.join(", ", known) + ")");
        }

        private ByteOrder byteOrder(Node n) {
            String order = n.json.asText();
            return switch (order) {
                case "little" -> ByteOrder.LITTLE_ENDIAN;
                case "big" -> ByteOrder.BIG_ENDIAN;
                default -> throw n.error("'" + order + "' is not one of little, big");
            };
        }

        private List<GattWrite> writes(Node list, Map<String, Characteristic> named) {
            List<GattWrite> out = new ArrayList<>();
            for (Node w : list.elements()) {
                w.allowOnly("characteristic", "hex");
                String key = w.text("characteristic");
                Characteristic c = named.get(key);
                if (c == null) {
                    throw w.child("characteristic").error("no characteristic '" + key + "' under characteristics");
                }
                if (!c.access().equals("write")) {
                    throw w.child("characteristic").error("characteristic '" + key + "' has access " + c.access() + ", not write");
                }
                out.add(new GattWrite(key, c, w.child("hex").hex()));
            }
            return out;
        }

        private Set<Capability> capabilities(Node n, ChannelLayout layout) {
            Set<Capability> declared = EnumSet.noneOf(Capability.class);
            for (Node e : n.elements()) {
                String text = e.json.asText();
                Capability c = Stream.of(Capability.values()).filter(v -> v.wireName().equals(text)).findFirst()
                        .orElseThrow(() -> e.error("'" + text + "' is not one of pressure, motion"));
                declared.add(c);
            }
            Set<Capability> carried = EnumSet.noneOf(Capability.class);
            if (layout.carries("pressure")) {
                carried.add(Capability.PRESSURE);
            }
            if (layout.carries("gyro_x")) {
                carried.add(Capability.MOTION);
            }
            if (!declared.equals(carried)) {
                throw n.error("says " + names(declared) + " but the notifications carry " + names(carried)
                        + " (pressure needs a pressure channel, motion the gyro_* channels)");
            }
            return declared;
        }

        private static String names(Set<Capability> set) {
            return set.stream().map(Capability::wireName).toList().toString();
        }

        private Characteristic characteristic(Node n) {
            n.allowOnly("service", "uuid", "access");
            String access = n.text("access");
            if (!Set.of("notify", "write", "read", "indicate").contains(access)) {
                throw n.child("access").error("'" + access + "' is not one of notify, indicate, read, write");
            }
            return new Characteristic(n.child("service").uuid(), n.child("uuid").uuid(), access);
        }

        private SampleLayout sample(Node n) {
            n.allowOnly("size", "byte_order", "fields");
            int size = (int) n.integer("size", 1, 244);
            n.text("byte_order");
            ByteOrder byteOrder = byteOrder(n.child("byte_order"));
            Node fields = n.child("fields");
            Map<String, FieldSpec> specs = fields(fields, SAMPLE_FIELDS, size);
            for (String required : List.of("gyro_x", "gyro_y", "gyro_z", "pressure")) {
                if (!specs.containsKey(required)) {
                    throw fields.error("missing required field '" + required + "'");
                }
            }
            long accel = Stream.of("accel_x", "accel_y", "accel_z").filter(specs::containsKey).count();
            if (accel != 0 && accel != 3) {
                throw fields.error("give all three of accel_x, accel_y, accel_z or none");
            }
            return new SampleLayout(size, byteOrder, specs.get("gyro_x"), specs.get("gyro_y"), specs.get("gyro_z"),
                    Optional.ofNullable(specs.get("accel_x")), Optional.ofNullable(specs.get("accel_y")),
                    Optional.ofNullable(specs.get("accel_z")), specs.get("pressure"));
        }

        private FrameLayout frame(Node n, int sampleSize) {
            n.allowOnly("id", "name", "min_mtu", "header_size", "max_samples", "time", "fields");
            int id = (int) n.integer("id", 0, 255);
            int headerSize = (int) n.integer("header_size", 1, 64);
            int maxSamples = (int) n.integer("max_samples", 1, 255);
            int minMtu = (int) n.integer("min_mtu", 23, 517);
            int maxLength = headerSize + maxSamples * sampleSize;
            // A notification carries at most MTU - 3 bytes of value.
            if (maxLength > minMtu - 3) {
                throw n.child("min_mtu").error(minMtu + " leaves " + (minMtu - 3) + " bytes per notification, but a full frame is "
                        + maxLength + " bytes (header " + headerSize + " + " + maxSamples + " x " + sampleSize + ")");
            }
            String time = n.text("time");
            FrameLayout.TimeSource source = switch (time) {
                case "header_t0" -> FrameLayout.TimeSource.HEADER_T0;
                case "seq" -> FrameLayout.TimeSource.SEQ;
                default -> throw n.child("time").error("'" + time + "' is not one of header_t0, seq");
            };
            Node fields = n.child("fields");
            Map<String, FieldSpec> specs = fields(fields, HEADER_FIELDS, headerSize);
            for (String required : List.of("type", "count", "seq")) {
                if (!specs.containsKey(required)) {
                    throw fields.error("missing required field '" + required + "'");
                }
            }
            if (source == FrameLayout.TimeSource.HEADER_T0 && !specs.containsKey("t0")) {
                throw fields.error("time: header_t0 needs a 't0' field");
            }
            return new FrameLayout(id, n.optionalText("name").orElse("type" + id), minMtu, headerSize, maxSamples,
                    source, specs.get("type"), specs.get("count"), specs.get("seq"), Optional.ofNullable(specs.get("t0")));
        }

        private Map<String, FieldSpec> fields(Node n, Set<String> allowed, int size) {
            Map<String, FieldSpec> specs = new TreeMap<>();
            for (String key : n.keys()) {
                if (!allowed.contains(key)) {
                    throw n.child(key).error("unknown field (expected one of " + String.join(", ", new TreeSet<>(allowed)) + ")");
                }
                FieldSpec spec = field(key, n.child(key));
                if (spec.end() > size) {
                    throw n.child(key).child("offset").error("field ends at byte " + spec.end() + ", beyond the size " + size);
                }
                for (FieldSpec other : specs.values()) {
                    if (spec.overlaps(other)) {
                        throw n.child(key).child("offset").error("overlaps field '" + other.name() + "'");
                    }
                }
                specs.put(key, spec);
            }
            return specs;
        }

        private FieldSpec field(String name, Node n) {
            n.allowOnly("type", "offset", "scale", "unit");
            FieldType type;
            try {
                type = FieldType.parse(n.text("type"));
            } catch (IllegalArgumentException e) {
                throw n.child("type").error(e.getMessage());
            }
            int offset = (int) n.integer("offset", 0, 511);
            double scale = n.has("scale") ? n.number("scale", -1e9, 1e9) : 1.0;
            if (scale == 0) {
                throw n.child("scale").error("must not be 0");
            }
            return new FieldSpec(name, type, offset, scale, n.optionalText("unit").orElse(""));
        }

        /** A channel profile may leave the ceiling out: its pressure figure is not a contact pressure, a calibration gives it. */
        private Thresholds thresholds(Node n, boolean ceilingOptional, boolean pressure) {
            // Without a pressure channel no pressure number is used: the defaults stand in.
            double contact = !pressure && !n.has("contact_kpa") ? 1.0 : n.number("contact_kpa", 0.001, 10_000);
            double ceiling = ceilingOptional && !n.has("pressure_ceiling_kpa")
                    ? Double.POSITIVE_INFINITY : n.number("pressure_ceiling_kpa", 0.1, 10_000);
            return overrideThresholds(Thresholds.defaults(contact, ceiling), n);
        }
    }

    /**
     * Applies user overrides (a mapping of snake_case threshold names to numbers, from a config
     * file) on top of a profile's thresholds.
     *
     * @throws ProfileException naming {@code path.key} of the first bad key in {@code file}
     */
    public static Thresholds withOverrides(Thresholds base, JsonNode overrides, String file, String path) {
        return overrideThresholds(base, new Node(file, path, overrides));
    }

    /** The snake_case names of every threshold, in their documented order. */
    public static List<String> thresholdNames() {
        return Thresholds.names();
    }

    /**
     * Applies the keys of a {@code thresholds} mapping (snake_case names of {@link Thresholds})
     * on top of {@code base}. Used for profile defaults and for per-user overrides. The numbers'
     * invariants are the type's own; this reads the mapping and says where a problem is.
     */
    static Thresholds overrideThresholds(Thresholds base, Node n) {
        Map<String, Number> changes = new LinkedHashMap<>();
        for (String key : n.keys()) {
            if (!Thresholds.names().contains(key)) {
                throw n.child(key).error("unknown threshold (known: " + String.join(", ", Thresholds.names()) + ")");
            }
            double value = n.number(key, 0, THRESHOLD_MAX);
            if (Thresholds.isWhole(key) && value != Math.rint(value)) {
                throw n.child(key).error(value + " must be a whole number");
            }
            changes.put(key, value);
        }
        try {
            return Thresholds.fromFlat(base, changes);
        } catch (IllegalArgumentException e) {
            throw n.error(e.getMessage());
        }
    }

    /** A YAML node with its path, so every error can say exactly where it is. */
    static final class Node {
        private final String file;
        private final String path;
        private final JsonNode json;

        Node(String file, String path, JsonNode json) {
            this.file = file;
            this.path = path;
            this.json = json;
        }

        ProfileException error(String reason) {
            return new ProfileException(file, path, reason);
        }

        boolean has(String key) {
            return json.has(key) && !json.get(key).isNull();
        }

        Node child(String key) {
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (!json.isObject()) {
                throw error("expected a mapping");
            }
            if (!has(key)) {
                throw new ProfileException(file, childPath, "missing");
            }
            return new Node(file, childPath, json.get(key));
        }

        List<String> keys() {
            if (!json.isObject()) {
                throw error("expected a mapping");
            }
            List<String> keys = new ArrayList<>();
            json.fieldNames().forEachRemaining(keys::add);
            return keys;
        }

        void allowOnly(String... allowed) {
            Set<String> ok = Set.of(allowed);
            for (String key : keys()) {
                if (!ok.contains(key)) {
                    throw new ProfileException(file, path.isEmpty() ? key : path + "." + key,
                            "unknown key (expected one of " + String.join(", ", allowed) + ")");
                }
            }
        }

        List<Node> elements() {
            if (!json.isArray()) {
                throw error("expected a list");
            }
            List<Node> out = new ArrayList<>();
            Iterator<JsonNode> it = json.elements();
            for (int i = 0; it.hasNext(); i++) {
                out.add(new Node(file, path + "[" + i + "]", it.next()));
            }
            return out;
        }

        String text(String key) {
            Node c = child(key);
            if (!c.json.isTextual() || c.json.asText().isBlank()) {
                throw c.error("expected a non-empty text");
            }
            return c.json.asText();
        }

        Optional<String> optionalText(String key) {
            return has(key) ? Optional.of(text(key)) : Optional.empty();
        }

        double number(String key, double min, double max) {
            Node c = child(key);
            if (!c.json.isNumber()) {
                throw c.error("expected a number, got '" + c.json.asText() + "'");
            }
            double v = c.json.asDouble();
            if (v < min || v > max) {
                throw c.error(v + " is out of range [" + min + ", " + max + "]");
            }
            return v;
        }

        long integer(String key, long min, long max) {
            Node c = child(key);
            if (!c.json.isIntegralNumber() || !c.json.canConvertToLong()) {
                throw c.error("expected a whole number, got '" + c.json.asText() + "'");
            }
            long v = c.json.asLong();
            if (v < min || v > max) {
                throw c.error(v + " is out of range [" + min + ", " + max + "]");
            }
            return v;
        }

        UUID uuid() {
            try {
                if (!json.isTextual()) {
                    throw new IllegalArgumentException();
                }
                return UUID.fromString(json.asText());
            } catch (IllegalArgumentException e) {
                throw error("'" + json.asText() + "' is not a 128-bit UUID like 0000180f-0000-1000-8000-00805f9b34fb");
            }
        }

        byte[] hex() {
            try {
                byte[] bytes = HexFormat.of().parseHex(json.asText());
                if (!json.isTextual() || bytes.length == 0) {
                    throw new IllegalArgumentException();
                }
                return bytes;
            } catch (IllegalArgumentException e) {
                throw error("'" + json.asText() + "' is not a quoted even-length hex string like \"01\"");
            }
        }
    }
}
