package dev.rollbridge.session;

import dev.rollbridge.analysis.Calibration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session history, pain reports and calibrations, in SQLite ({@code history.db} in the data
 * directory) so they outlive restarts. One connection; use it from one thread at a time.
 *
 * <p>History is a convenience; alerts are the safety function. So the daemon opens it with
 * {@link #openOrDegrade}: a database that cannot be written is used read-only (the stored
 * calibration still applies), one that cannot be read at all leaves the bridge running without
 * history, and every failure is counted and shown by {@link #health()} in {@code bridge/health}.
 */
public final class HistoryStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryStore.class);

    /** A pain report: when, and how much (0–10); {@code checkin} for a morning check-in's answer. */
    public record PainReport(Instant ts, int pain, boolean checkin) {
        public PainReport(Instant ts, int pain) {
            this(ts, pain, false);
        }
    }

    /** A morning check-in: the calendar day it is for, when it was given, the soreness 0-10. */
    public record Checkin(LocalDate day, Instant ts, int soreness) {
    }

    /** How usable the store is. */
    public enum Mode { READ_WRITE, READ_ONLY, UNAVAILABLE }

    private final Connection db;
    private final Path file;
    private final Mode mode;
    /** False for a database from before the morning check-in, opened read-only: it has no check-in tables. */
    private final boolean checkinTables;
    private volatile String problem;
    private final AtomicLong failures = new AtomicLong();

    private HistoryStore(Connection db, Path file, Mode mode, String problem) {
        this.db = db;
        this.file = file;
        this.mode = mode;
        this.problem = problem;
        this.checkinTables = db != null && hasTable(db, "checkins") && hasTable(db, "checkins_asked");
    }

    private static boolean hasTable(Connection db, String name) {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Opens (creating if needed) {@code DIR/history.db}; the message names the file on failure. */
    public static HistoryStore open(Path dataDir) {
        Path file = dataDir.resolve("history.db");
        Connection db = null;
        try {
            Files.createDirectories(dataDir);
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS sessions (
                          device TEXT NOT NULL, session_id TEXT, leg TEXT NOT NULL, ended_ms INTEGER NOT NULL,
                          reason TEXT, duration_s REAL, active_s REAL, holds INTEGER, holds_met INTEGER,
                          mean_pressure_kpa REAL, max_pressure_kpa REAL, too_fast_s REAL, friction_s REAL,
                          max_pain INTEGER, alerts_json TEXT)""");
                s.execute("CREATE INDEX IF NOT EXISTS sessions_by_device ON sessions(device, ended_ms)");
                s.execute("CREATE TABLE IF NOT EXISTS pain (device TEXT NOT NULL, ts_ms INTEGER NOT NULL, pain INTEGER NOT NULL)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS calibrations (
                          user_name TEXT NOT NULL, device TEXT NOT NULL, ts_ms INTEGER NOT NULL,
                          pain3_kpa REAL NOT NULL, pain5_kpa REAL NOT NULL, pain7_kpa REAL NOT NULL,
                          PRIMARY KEY (user_name, device))""");
                s.execute("CREATE TABLE IF NOT EXISTS advice (device TEXT NOT NULL, kind TEXT NOT NULL, ts_ms INTEGER NOT NULL)");
                // One check-in per device and day (a later answer replaces it); the mornings asked, so a restart does not ask twice.
                s.execute("CREATE TABLE IF NOT EXISTS checkins (device TEXT NOT NULL, day TEXT NOT NULL, ts_ms INTEGER NOT NULL, "
                        + "soreness INTEGER NOT NULL, PRIMARY KEY (device, day))");
                s.execute("CREATE TABLE IF NOT EXISTS checkins_asked (device TEXT NOT NULL, day TEXT NOT NULL, ts_ms INTEGER NOT NULL, "
                        + "PRIMARY KEY (device, day))");
            }
            return new HistoryStore(db, file, Mode.READ_WRITE, null);
        } catch (SQLException | IOException e) {
            closeQuietly(db);
            throw new IllegalStateException("cannot open the history database " + file + ": " + reason(e), e);
        }
    }

    /** Opens an existing {@code DIR/history.db} for reading only (what {@code rollbridge history} needs). */
    public static HistoryStore openReadOnly(Path dataDir) {
        Path file = dataDir.resolve("history.db");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("cannot open the history database " + file + ": no such file");
        }
        Connection db = null;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            db = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM sessions")) {
                rs.next(); // proves the file is a database with our tables
            }
            return new HistoryStore(db, file, Mode.READ_ONLY, null);
        } catch (SQLException e) {
            closeQuietly(db);
            throw new IllegalStateException("cannot read the history database " + file + ": " + reason(e), e);
        }
    }

    /**
     * The daemon's way in: read-write if it can, else read-only, else none; never throws. The
     * cause is logged once and kept for {@link #health()}.
     */
    public static HistoryStore openOrDegrade(Path dataDir) {
        try {
            return open(dataDir);
        } catch (IllegalStateException writable) {
            try {
                HistoryStore readOnly = openReadOnly(dataDir);
                readOnly.problem = writable.getMessage();
                log.warn("{}; history is read-only: calibrations are used, nothing new is recorded", writable.getMessage());
                return readOnly;
            } catch (IllegalStateException none) {
                log.warn("{}; running without history (alerts are not affected)", writable.getMessage());
                return new HistoryStore(null, dataDir.resolve("history.db"), Mode.UNAVAILABLE, writable.getMessage());
            }
        }
    }

    public Mode mode() {
        return mode;
    }

    /** For {@code bridge/health}: {@code state} ok, read_only, unavailable or failing, and the last problem. */
    public Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        String state = switch (mode) {
            case READ_WRITE -> failures.get() > 0 && problem != null ? "failing" : "ok";
            case READ_ONLY -> "read_only";
            case UNAVAILABLE -> "unavailable";
        };
        h.put("state", state);
        h.put("file", file.toString());
        h.put("failed_operations", failures.get());
        if (problem != null) {
            h.put("problem", problem);
        }
        return h;
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private static void closeQuietly(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // Already failing; the first error is the one reported.
            }
        }
    }

    public Path file() {
        return file;
    }

    public void recordSession(SessionRecord r) {
        update("INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", r.device(), r.sessionId(), r.leg(),
                r.ended().toEpochMilli(), r.reason(), r.durationS(), r.activeS(), r.holds(), r.holdsMet(),
                r.meanPressureKpa(), r.maxPressureKpa(), r.tooFastS(), r.frictionS(), r.maxPain(), r.alertsJson());
    }

    /** Sessions ended at or after {@code since}, oldest first; {@code device} null for all devices. */
    public List<SessionRecord> sessions(String device, Instant since) {
        if (db == null) {
            return List.of();
        }
        String sql = "SELECT * FROM sessions WHERE ended_ms >= ?" + (device == null ? "" : " AND device = ?") + " ORDER BY ended_ms";
        List<SessionRecord> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setLong(1, since.toEpochMilli());
            if (device != null) {
                ps.setString(2, device);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SessionRecord(rs.getString("device"), rs.getString("session_id"), rs.getString("leg"),
                            Instant.ofEpochMilli(rs.getLong("ended_ms")), rs.getString("reason"), rs.getDouble("duration_s"),
                            rs.getDouble("active_s"), rs.getInt("holds"), rs.getInt("holds_met"), rs.getDouble("mean_pressure_kpa"),
                            rs.getDouble("max_pressure_kpa"), rs.getDouble("too_fast_s"), rs.getDouble("friction_s"),
                            rs.getInt("max_pain"), rs.getString("alerts_json")));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    public void recordPain(String device, Instant ts, int pain) {
        update("INSERT INTO pain VALUES (?,?,?)", device, ts.toEpochMilli(), pain);
    }

    /** Pain reports and morning check-ins (which join the pain trend) since {@code since}, oldest first. */
    public List<PainReport> pains(String device, Instant since) {
        List<PainReport> out = new ArrayList<>();
        if (db == null) {
            return out;
        }
        String sql = "SELECT ts_ms, pain, 0 FROM pain WHERE device = ? AND ts_ms >= ?"
                + (checkinTables ? " UNION ALL SELECT ts_ms, soreness, 1 FROM checkins WHERE device = ? AND ts_ms >= ?" : "") + " ORDER BY 1";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, device);
            ps.setLong(2, since.toEpochMilli());
            if (checkinTables) {
                ps.setString(3, device);
                ps.setLong(4, since.toEpochMilli());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PainReport(Instant.ofEpochMilli(rs.getLong(1)), rs.getInt(2), rs.getInt(3) == 1));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    /** The day's check-in for the device; a second answer the same day replaces the first. */
    public void recordCheckin(String device, LocalDate day, Instant ts, int soreness) {
        update("INSERT OR REPLACE INTO checkins VALUES (?,?,?,?)", device, day.toString(), ts.toEpochMilli(), soreness);
    }

    /** The device's check-ins from {@code since} on, oldest first; rows that are not a day and a 0-10 are skipped. */
    public List<Checkin> checkins(String device, LocalDate since) {
        List<Checkin> out = new ArrayList<>();
        if (db == null || !checkinTables) {
            return out;
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT day, ts_ms, soreness FROM checkins WHERE device = ? AND day >= ? ORDER BY day")) {
            ps.setString(1, device);
            ps.setString(2, since.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LocalDate day;
                    try {
                        day = LocalDate.parse(String.valueOf(rs.getString(1)));
                    } catch (DateTimeParseException e) {
                        continue; // a row edited by hand is skipped, not a reason to stop adapting
                    }
                    int soreness = rs.getInt(3);
                    if (soreness >= 0 && soreness <= 10) {
                        out.add(new Checkin(day, Instant.ofEpochMilli(rs.getLong(2)), soreness));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    /** Notes that the device's check-in was asked for on {@code day}. */
    public void markCheckinAsked(String device, LocalDate day, Instant ts) {
        update("INSERT OR IGNORE INTO checkins_asked VALUES (?,?,?)", device, day.toString(), ts.toEpochMilli());
    }

    /** Whether the device's check-in was asked for on {@code day} (by this run or one before it). */
    public boolean checkinAsked(String device, LocalDate day) {
        if (db == null || !checkinTables) {
            return false;
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM checkins_asked WHERE device = ? AND day = ?")) {
            ps.setString(1, device);
            ps.setString(2, day.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public void saveCalibration(String user, String device, Calibration c, Instant ts) {
        update("INSERT OR REPLACE INTO calibrations VALUES (?,?,?,?,?,?)", user, device, ts.toEpochMilli(),
                c.pain3Kpa(), c.pain5Kpa(), c.pain7Kpa());
    }

    public Optional<Calibration> calibration(String user, String device) {
        if (db == null) {
            return Optional.empty();
        }
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT pain3_kpa, pain5_kpa, pain7_kpa FROM calibrations WHERE user_name = ? AND device = ?")) {
            ps.setString(1, user);
            ps.setString(2, device);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Calibration(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** When advice of this kind was last given for the device. */
    public Optional<Instant> lastAdvice(String device, String kind) {
        if (db == null) {
            return Optional.empty();
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT MAX(ts_ms) FROM advice WHERE device = ? AND kind = ?")) {
            ps.setString(1, device);
            ps.setString(2, kind);
            try (ResultSet rs = ps.executeQuery()) {
                long ms = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() || ms == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(ms));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public void recordAdvice(String device, String kind, Instant ts) {
        update("INSERT INTO advice VALUES (?,?,?)", device, kind, ts.toEpochMilli());
    }

    private void update(String sql, Object... args) {
        if (mode != Mode.READ_WRITE) {
            failures.incrementAndGet();
            throw new IllegalStateException("history database " + file + " is " + (mode == Mode.READ_ONLY ? "read-only" : "unavailable")
                    + ": nothing is recorded");
        }
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
            problem = null;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private IllegalStateException failure(SQLException e) {
        failures.incrementAndGet();
        problem = "history database " + file + ": " + reason(e);
        return new IllegalStateException(problem, e);
    }

    @Override
    public void close() {
        closeQuietly(db);
    }
}
