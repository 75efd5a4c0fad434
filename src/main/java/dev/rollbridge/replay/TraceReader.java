package dev.rollbridge.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.json.Json;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FieldSpec;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.FrameLayout;
import dev.rollbridge.stream.Sample;
import dev.rollbridge.profile.SampleLayout;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a recorded trace into the frames the device would have sent, so a replay goes through
 * exactly the live pipeline (decode included). Two formats (design §6):
 * <ul>
 *   <li>{@code .csv}: physical samples, header {@code t_ms,pressure_kpa,gx_dps,gy_dps,gz_dps} in any
 *   order (optional {@code ax_g,ay_g,az_g}; other columns ignored; {@code #} comments). Each row is
 *   encoded as a one-sample frame of the profile's {@code header_t0} type, carrying {@code t_ms} as
 *   its time, so sample times are the trace's own (rounded to the profile's resolution).</li>
 *   <li>{@code .jsonl}: raw notifications {@code {"t_us":..,"char":"uuid","hex":".."}}, decoded by the
 *   profile as if just received.</li>
 * </ul>
 * The whole file is checked before anything is sent; an error names the line.
 */
public final class TraceReader {
    private static final List<String> REQUIRED = List.of("t_ms", "pressure_kpa", "gx_dps", "gy_dps", "gz_dps");
    /** A year of sample time: no trace is longer, and a bigger number is a typo or a trap. */
    static final long MAX_T_MS = 365L * 24 * 3600 * 1000;

    private final DeviceProfile profile;
    private final String address;

    public TraceReader(DeviceProfile profile, String address) {
        this.profile = profile;
        this.address = address;
    }

    public List<Frame> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isReadable(file)) {
            throw new TraceException(file.toString(), 0, "no such readable file");
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".csv")) {
                return readCsv(file.toString(), in);
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
                return readJsonl(file.toString(), in);
            }
            throw new TraceException(file.toString(), 0, "unknown trace format: expected a .csv or .jsonl file");
        } catch (IOException e) {
            throw new TraceException(file.toString(), 0, "cannot read: " + e.getMessage());
        }
    }

    private List<Frame> readCsv(String file, BufferedReader in) throws IOException {
        FrameLayout layout = profile.frames().stream()
                .filter(f -> f.timeSource() == FrameLayout.TimeSource.HEADER_T0 && f.t0().isPresent())
                .findFirst()
                .orElseThrow(() -> new TraceException(file, 0, "profile " + profile.name()
                        + " has no frame type that carries its own time (time: header_t0), so CSV samples cannot be replayed through it"));
        FrameEncoder encoder = new FrameEncoder(profile);
        List<Frame> frames = new ArrayList<>();
        Map<String, Integer> columns = null;
        String line;
        int lineNo = 0;
        long seq = 0;
        long lastT = Long.MIN_VALUE;
        long maxStepMicros = layout.t0().map(f -> (long) Math.min(Long.MAX_VALUE / 2, f.type().max() - f.type().min())).orElse(Long.MAX_VALUE / 2);
        while ((line = in.readLine()) != null) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] cells = trimmed.split(",", -1);
            if (columns == null) {
                columns = new HashMap<>();
                for (int i = 0; i < cells.length; i++) {
                    columns.put(cells[i].strip(), i);
                }
                for (String required : REQUIRED) {
                    if (!columns.containsKey(required)) {
                        throw new TraceException(file, lineNo, "header lacks column '" + required
                                + "' (expected " + String.join(",", REQUIRED) + ")");
                    }
                }
                continue;
            }
            double tValue = number(file, lineNo, cells, columns, "t_ms");
            if (tValue < 0) {
                throw new TraceException(file, lineNo, "t_ms " + shown(cells, columns, "t_ms") + " is negative");
            }
            if (tValue > MAX_T_MS) {
                throw new TraceException(file, lineNo, "t_ms " + shown(cells, columns, "t_ms") + " is beyond " + MAX_T_MS
                        + " ms (a year): not a session's clock");
            }
            long t = (long) tValue;
            if (t < lastT) {
                throw new TraceException(file, lineNo, "t_ms " + t + " goes back in time (previous row " + lastT + ")");
            }
            if (lastT != Long.MIN_VALUE && (t - lastT) * 1000 > maxStepMicros) {
                // The device clock in a frame wraps; a longer jump would be read as a short one.
                throw new TraceException(file, lineNo, "t_ms jumps " + (t - lastT) + " ms from the previous row; the frame clock of "
                        + profile.name() + " spans at most " + maxStepMicros / 1000 + " ms between two samples");
            }
            lastT = t;
            SampleLayout fields = profile.sample();
            double pressure = physical(file, lineNo, cells, columns, "pressure_kpa", fields.pressure());
            boolean accel = columns.containsKey("ax_g") && columns.containsKey("ay_g") && columns.containsKey("az_g") && fields.hasAccel();
            Sample s = new Sample(t, seq, pressure,
                    physical(file, lineNo, cells, columns, "gx_dps", fields.gyroX()),
                    physical(file, lineNo, cells, columns, "gy_dps", fields.gyroY()),
                    physical(file, lineNo, cells, columns, "gz_dps", fields.gyroZ()),
                    accel ? physical(file, lineNo, cells, columns, "ax_g", fields.accelX().get()) : Double.NaN,
                    accel ? physical(file, lineNo, cells, columns, "ay_g", fields.accelY().get()) : Double.NaN,
                    accel ? physical(file, lineNo, cells, columns, "az_g", fields.accelZ().get()) : Double.NaN);
            frames.add(new Frame(address, profile.data().uuid(), encoder.encode(layout, seq, t * 1000, List.of(s)), t * 1000));
            seq++;
        }
        if (columns == null) {
            throw new TraceException(file, 0, "empty trace: expected a header line " + String.join(",", REQUIRED));
        }
        return frames;
    }

    /**
     * A value the profile's field can carry: a replay must not clamp (pressure −500 read as 0) or
     * saturate (a gyro at 1e9) what the trace says without a word.
     */
    private double physical(String file, int lineNo, String[] cells, Map<String, Integer> columns, String column, FieldSpec field) {
        double v = number(file, lineNo, cells, columns, column);
        double raw = Math.rint(v / field.scale()); // what the encoder would write, before any clamping
        if (raw < field.type().min() || raw > field.type().max()) {
            throw new TraceException(file, lineNo, String.format(Locale.ROOT, "'%s' is %s, outside what %s's %s field carries (%s to %s %s)",
                    column, shown(cells, columns, column), profile.name(), field.name(), plain(field.type().min(), field.scale()),
                    plain(field.type().max(), field.scale()), field.unit()));
        }
        return v;
    }

    private static String plain(long raw, double scale) {
        return BigDecimal.valueOf(raw).multiply(BigDecimal.valueOf(scale)).stripTrailingZeros().toPlainString();
    }

    /** A cell as an error message may repeat it: at most ~100 characters. */
    private static String shown(String[] cells, Map<String, Integer> columns, String column) {
        return Json.excerpt(cells[columns.get(column)].strip(), 100);
    }

    private static double number(String file, int lineNo, String[] cells, Map<String, Integer> columns, String column) {
        int i = columns.get(column);
        if (i >= cells.length) {
            throw new TraceException(file, lineNo, "missing value for '" + column + "' (" + cells.length + " cells)");
        }
        String cell = cells[i].strip();
        try {
            double v = Double.parseDouble(cell);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new TraceException(file, lineNo, "'" + column + "' is '" + Json.excerpt(cell, 100) + "', not a number");
        }
    }

    private List<Frame> readJsonl(String file, BufferedReader in) throws IOException {
        List<Frame> frames = new ArrayList<>();
        String line;
        int lineNo = 0;
        long lastT = Long.MIN_VALUE;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = Json.read(line);
            } catch (JsonProcessingException e) {
                throw new TraceException(file, lineNo, "not valid JSON: " + Json.excerpt(String.valueOf(e.getOriginalMessage()), 200));
            }
            if (node == null || !node.isObject()) {
                throw new TraceException(file, lineNo, "expected a JSON object like {\"t_us\":0,\"char\":\"uuid\",\"hex\":\"..\"}");
            }
            JsonNode t = node.get("t_us");
            if (t == null || !t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0) {
                throw new TraceException(file, lineNo, "'t_us' must be a non-negative whole number of microseconds");
            }
            if (t.asLong() < lastT) {
                throw new TraceException(file, lineNo, "t_us " + t.asLong() + " goes back in time (previous line " + lastT + ")");
            }
            lastT = t.asLong();
            UUID characteristic;
            try {
                characteristic = UUID.fromString(node.path("char").asText(""));
            } catch (IllegalArgumentException e) {
                throw new TraceException(file, lineNo, "'char' must be a characteristic UUID, got '" + Json.excerpt(node.path("char").asText(""), 100) + "'");
            }
            byte[] bytes;
            try {
                bytes = HexFormat.of().parseHex(node.path("hex").asText(""));
            } catch (IllegalArgumentException e) {
                throw new TraceException(file, lineNo, "'hex' must be an even-length hex string, got '" + Json.excerpt(node.path("hex").asText(""), 100) + "'");
            }
            frames.add(new Frame(address, characteristic, bytes, t.asLong()));
        }
        return frames;
    }
}
