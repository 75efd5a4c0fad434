package dev.rollbridge.session;

import dev.rollbridge.analysis.Calibration;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Session history, pain reports and calibrations, in SQLite ({@code history.db} in the data
 * directory) so they outlive restarts. One connection; use it from one thread at a time.
 */
public final class HistoryStore implements AutoCloseable {
    /** A pain report: when, and how much (0–10). */
    public record PainReport(Instant ts, int pain) {
    }

    private final Connection db;
    private final Path file;

    private HistoryStore(Connection db, Path file) {
        this.db = db;
        this.file = file;
    }

    /** Opens (creating if needed) {@code DIR/history.db}; the message names the file on failure. */
    public static HistoryStore open(Path dataDir) {
        Path file = dataDir.resolve("history.db");
        try {
            Files.createDirectories(dataDir);
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
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
            }
            return new HistoryStore(db, file);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open the history database " + file + ": " + e.getMessage(), e);
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

    public List<PainReport> pains(String device, Instant since) {
        List<PainReport> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT ts_ms, pain FROM pain WHERE device = ? AND ts_ms >= ? ORDER BY ts_ms")) {
            ps.setString(1, device);
            ps.setLong(2, since.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PainReport(Instant.ofEpochMilli(rs.getLong(1)), rs.getInt(2)));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return out;
    }

    public void saveCalibration(String user, String device, Calibration c, Instant ts) {
        update("INSERT OR REPLACE INTO calibrations VALUES (?,?,?,?,?,?)", user, device, ts.toEpochMilli(),
                c.pain3Kpa(), c.pain5Kpa(), c.pain7Kpa());
    }

    public Optional<Calibration> calibration(String user, String device) {
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
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private IllegalStateException failure(SQLException e) {
        return new IllegalStateException("history database " + file + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }
}
