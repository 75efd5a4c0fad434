package dev.rollbridge.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollbridge.ble.Frame;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.FrameEncoder;
import dev.rollbridge.profile.FrameLayout;
import dev.rollbridge.profile.Sample;

import java.io.BufferedReader;
import java.io.IOException;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> REQUIRED = List.of("t_ms", "pressure_kpa", "gx_dps", "gy_dps", "gz_dps");

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
            long t = (long) number(file, lineNo, cells, columns, "t_ms");
            if (t < 0) {
                throw new TraceException(file, lineNo, "t_ms " + t + " is negative");
            }
            if (t < lastT) {
                throw new TraceException(file, lineNo, "t_ms " + t + " goes back in time (previous row " + lastT + ")");
            }
            lastT = t;
            double pressure = number(file, lineNo, cells, columns, "pressure_kpa");
            boolean accel = columns.containsKey("ax_g") && columns.containsKey("ay_g") && columns.containsKey("az_g");
            Sample s = new Sample(t, seq, pressure,
                    number(file, lineNo, cells, columns, "gx_dps"),
                    number(file, lineNo, cells, columns, "gy_dps"),
                    number(file, lineNo, cells, columns, "gz_dps"),
                    accel ? number(file, lineNo, cells, columns, "ax_g") : Double.NaN,
                    accel ? number(file, lineNo, cells, columns, "ay_g") : Double.NaN,
                    accel ? number(file, lineNo, cells, columns, "az_g") : Double.NaN);
            frames.add(new Frame(address, profile.data().uuid(), encoder.encode(layout, seq, t * 1000, List.of(s)), t * 1000));
            seq++;
        }
        if (columns == null) {
            throw new TraceException(file, 0, "empty trace: expected a header line " + String.join(",", REQUIRED));
        }
        return frames;
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
            throw new TraceException(file, lineNo, "'" + column + "' is '" + cell + "', not a number");
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
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new TraceException(file, lineNo, "not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new TraceException(file, lineNo, "expected a JSON object like {\"t_us\":0,\"char\":\"uuid\",\"hex\":\"..\"}");
            }
            JsonNode t = node.get("t_us");
            if (t == null || !t.isIntegralNumber() || t.asLong() < 0) {
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
                throw new TraceException(file, lineNo, "'char' must be a characteristic UUID, got '" + node.path("char").asText("") + "'");
            }
            byte[] bytes;
            try {
                bytes = HexFormat.of().parseHex(node.path("hex").asText(""));
            } catch (IllegalArgumentException e) {
                throw new TraceException(file, lineNo, "'hex' must be an even-length hex string, got '" + node.path("hex").asText("") + "'");
            }
            frames.add(new Frame(address, characteristic, bytes, t.asLong()));
        }
        return frames;
    }
}
