package dev.rollbridge.mqtt.contract;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.analysis.EventDetail;
import dev.rollbridge.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The JSON payloads of the MQTT contract (design §5): snake_case, UTF-8, {@code ts} in ISO-8601 UTC. */
public final class Payloads {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Payloads() {
    }

    public static byte[] online() {
        return json(Map.of("state", "online"));
    }

    public static byte[] offline() {
        return json(Map.of("state", "offline"));
    }

    /** One event, with everything a consumer needs to show it and to de-duplicate it. */
    public static byte[] event(String id, long seq, String deviceId, String sessionId, Event e, Instant ts) {
        // Written field by field (no map, no serializer lookup): this is on the way out of every
        // alert, and alerts are rare enough that the JIT has often not compiled it yet.
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeNumberField("seq", seq);
            g.writeStringField("type", e.type().wireName());
            g.writeStringField("severity", e.severity().name().toLowerCase(Locale.ROOT));
            g.writeStringField("state", e.state().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("t_ms", e.tMillis());
            g.writeStringField("ts", iso(ts));
            g.writeStringField("device", deviceId);
            g.writeStringField("session_id", sessionId);
            g.writeStringField("message", e.message());
            g.writeFieldName("data");
            Json.writeValue(g, e.data());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new IllegalStateException("cannot serialise an event: " + ex.getMessage(), ex);
        }
        return out.toByteArray();
    }

    /** The retained summary of a finished session: its {@code session_ended} data plus who and when. */
    public static byte[] sessionSummary(String deviceId, String sessionId, Event ended, Instant ts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", deviceId);
        m.put("session_id", sessionId);
        m.put("ts", iso(ts));
        m.put("t_ms", ended.tMillis());
        m.putAll(ended.data());
        return json(m);
    }

    /** The answer to a command on {@code <device>/set/response}. */
    public static byte[] commandResponse(boolean ok, String message, Object transaction) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok);
        m.put(ok ? "message" : "error", message);
        if (transaction != null) {
            m.put("transaction", transaction);
        }
        return json(m);
    }

    public static byte[] state(DeviceState s, Instant lastSeen) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pressure_kpa", s.pressureKpa());
        m.put("speed_cm_s", s.speedCmS());
        m.put("phase", s.phase().wireName());
        m.put("hold_s", s.holdS());
        m.put("leg", s.leg());
        m.put("leg_active_s", s.legActiveS());
        m.put("battery", s.battery() < 0 ? null : s.battery());
        m.put("last_seen", iso(lastSeen));
        m.put("t_ms", s.tMillis());
        m.put("session", s.session());
        m.put("ceiling_kpa", Double.isFinite(s.ceilingKpa()) ? s.ceilingKpa() : null);
        m.put("band_low_kpa", Double.isNaN(s.bandLowKpa()) ? null : s.bandLowKpa());
        m.put("band_high_kpa", Double.isNaN(s.bandHighKpa()) ? null : s.bandHighKpa());
        m.put("position_cm", s.positionCm());
        m.put("rssi", null); // from the BLE backends; null for simulated and replayed devices
        m.put("sensor_fault", s.sensorFault());
        m.put("position_pct", Double.isNaN(s.positionPct()) ? null : s.positionPct());
        return json(m);
    }

    /** Where on the muscle this session's work went so far ({@code <device>/segments}, retained). */
    public static byte[] segments(String deviceId, DeviceState s, Instant ts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", deviceId);
        m.put("ts", iso(ts));
        m.put("t_ms", s.tMillis());
        m.put("session", s.session());
        m.put("leg", s.leg());
        m.put("position_pct", Double.isNaN(s.positionPct()) ? null : s.positionPct());
        m.put("segments", s.segments().stream().map(EventDetail.MuscleSegment::data).toList());
        return json(m);
    }

    /** ISO-8601 UTC with milliseconds always present, so every {@code ts} has the same shape. */
    public static String iso(Instant ts) {
        return ISO_MILLIS.format(ts);
    }

    /** Maps, lists, text, numbers, booleans and null as JSON (see {@link Json#bytes}). */
    public static byte[] json(Object value) {
        return Json.bytes(value);
    }
}
