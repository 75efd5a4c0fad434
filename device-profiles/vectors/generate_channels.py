#!/usr/bin/env python3
"""Writes the test vectors of the channel profiles (one notifying characteristic per sensor, fused
into one sample stream): thingy52-ball, thingy52-roller, oriori-ball, nano33-ble-sense and
ess-pressure. Like generate.py, it is independent of the Java side on purpose: the notification
values are packed with struct (or written as text) by hand from the published layouts, and the
samples they must decode to come from a small model of the fusion rules written here, so the
vectors check the profiles and ChannelDecoder rather than agree with them.

    python3 device-profiles/vectors/generate_channels.py    # rewrites the five <profile>.yaml beside it

Published layouts used:
  * Nordic Thingy:52 firmware, include/ble_services/ble_tes.h and ble_tms.h (little-endian, packed):
    pressure EF680202 = int32 hPa + uint8 hundredths; raw motion EF680406 = int16 accel xyz (Q6.10 g),
    gyro xyz (Q11.5 deg/s), compass xyz (Q12.4 uT, not used): 18 bytes.
  * Oriori ball (stpihkal): FFB1 notifies ASCII "AABCCC.C|": battery 00-99, a rising flag 0/1, the
    load in kg with one decimal (one to three digits before the point), an optional trailing bar.
    The load becomes a pressure over the profile's 10 cm^2 contact patch: kg x 98.0665 / 10 kPa.
  * Arduino Science Journal firmware (Nano 33 BLE Sense): accelerometer 555a0002-0011 (3 x float32 g),
    gyroscope -0012 (3 x float32 deg/s), pressure -0015 (float32 kPa), little-endian.
  * Bluetooth SIG Environmental Sensing: Pressure 0x2A6D = uint32 in 0.1 Pa. Battery Level 0x2A19 = uint8 %.

The fusion rules modelled (see each profile's vectors for the cases):
  * A value = ((raw x scale) + fraction + add) x unit factor, in kPa, deg/s, g, %; a float32 is its
    exact value. A binary value of the wrong length, a float32 that is +-Infinity, and a text that
    does not match the whole pattern (or is empty, or longer than 64 bytes) are malformed: counted,
    nothing else changes. A float32 NaN is "no reading": that channel keeps its last value.
  * Each well-formed notification advances the sample counter (seq, from 0) and, when it brings a
    pressure or motion value, gives a sample with the latest value of every channel, once every
    channel the profile measures (pressure; gyro x/y/z and accel x/y/z for motion) has had a value.
  * Time: every characteristic's notifications are received exactly on its nominal period
    (1e6/rate_hz us), starting at a whole ms, so the receive-time smoothing places each at its receive
    time. Malformed notifications are put between two periods, where they do not move the good ones.
    A gap of k periods with k >= 3 counts k-1 lost and seq jumps by k (a gap of 2 is never used: the
    decoder smooths it instead of counting it). t_ms = floor(t_us / 1000), never below the last sample's.
  * Ages: sample t_ms minus the t_ms of the last pressure (motion) update; 0 for a capability the
    profile lacks, which reads pressure null, or gyro 0 and accel null.
  * Baseline: the rise (never below 0) over a baseline that is the first reading, re-zeroed to the
    reading once readings stayed within band_kpa of a reference reading for rest_ms, heard throughout
    (a silence longer than rest_ms restarts the reference), with the rise under the contact level (a
    reading below the baseline counts as under it). A pressure outside the profile's valid range is no reading.
  * Battery Level notifications give battery percents (over 100 or empty: malformed); notifications
    on characteristics the profile does not know are ignored.
"""
import math
import os
import re
import struct

from generate import write_vector   # the YAML shape of the RollSense vectors, shared

BATTERY = "00002a19-0000-1000-8000-00805f9b34fb"
NAN = float("nan")
MOTION = ("gyro_x", "gyro_y", "gyro_z", "accel_x", "accel_y", "accel_z")
MAX_TEXT_BYTES = 64


class Malformed(Exception):
    pass


def value(raw, scale=1.0, fraction=None, add=0.0, factor=1.0):
    """((raw x scale) + fraction + add) x unit factor, in that order."""
    v = raw * scale
    if fraction is not None:
        v += fraction
    return (v + add) * factor


def f32(x):
    """The float32 nearest x, as the exact double it is."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_bits(bits):
    return struct.pack("<I", bits)


# ---------------------------------------------------------------------------------------------
# Profiles: characteristic uuid -> (period in us, decode(bytes) -> [(channel, value)]).

class Profile:
    def __init__(self, name, notifications, pressure, motion, battery=None, baseline=None, contact_kpa=None):
        self.name = name
        self.notifications = notifications
        self.pressure = pressure
        self.motion = motion
        self.battery = battery
        self.baseline = baseline          # (rest_ms, band_kpa)
        self.contact_kpa = contact_kpa
        self.channels = (["pressure"] if pressure else []) + (list(MOTION) if motion else [])


# Thingy:52
T_PRESSURE = "ef680202-9b35-4933-9b10-52ffa9740042"
T_MOTION = "ef680406-9b35-4933-9b10-52ffa9740042"
T_TEMPERATURE = "ef680201-9b35-4933-9b10-52ffa9740042"   # not in the profiles: ignored
T_ENV_CONFIG = "ef680206-9b35-4933-9b10-52ffa9740042"


def thingy_pressure(hpa, hundredths):
    return struct.pack("<iB", hpa, hundredths)


def thingy_motion(ax, ay, az, gx, gy, gz, cx=0, cy=0, cz=0):
    """Raw Q-format integers: accel Q6.10 g, gyro Q11.5 deg/s, compass Q12.4 uT."""
    return struct.pack("<9h", ax, ay, az, gx, gy, gz, cx, cy, cz)


def decode_thingy_pressure(b):
    if len(b) != 5:
        raise Malformed
    hpa, hundredths = struct.unpack("<iB", b)
    reading = hpa + hundredths * 0.01
    # valid: [260, 1260] hPa in the profile: outside the barometer's range is no reading.
    return [("pressure", value(float(hpa), 1.0, hundredths * 0.01, 0.0, 0.1) if 260 <= reading <= 1260 else NAN)]


def decode_thingy_motion(b):
    if len(b) != 18:
        raise Malformed
    ax, ay, az, gx, gy, gz, _cx, _cy, _cz = struct.unpack("<9h", b)
    q10, q5 = 2.0 ** -10, 2.0 ** -5
    return [("accel_x", value(ax, q10)), ("accel_y", value(ay, q10)), ("accel_z", value(az, q10)),
            ("gyro_x", value(gx, q5)), ("gyro_y", value(gy, q5)), ("gyro_z", value(gz, q5))]


THINGY_BALL = Profile("thingy52-ball", {T_PRESSURE: (50_000, decode_thingy_pressure), T_MOTION: (10_000, decode_thingy_motion)},
                      pressure=True, motion=True, battery=BATTERY, baseline=(3000, 0.05), contact_kpa=0.5)
THINGY_ROLLER = Profile("thingy52-roller", {T_MOTION: (20_000, decode_thingy_motion)},
                        pressure=False, motion=True, battery=BATTERY)

# Oriori
O_DATA = "0000ffb1-0000-1000-8000-00805f9b34fb"
O_OTHER = "0000ffb2-0000-1000-8000-00805f9b34fb"
ORIORI_TEXT = re.compile(r"(?P<battery>[0-9]{2})(?P<rising>[01])(?P<load>[0-9]{1,3}\.[0-9])\|?")
KG_TO_KPA = 98.0665 / 10   # kg over a 10 cm^2 patch


def decode_oriori(b):
    if len(b) == 0 or len(b) > MAX_TEXT_BYTES:
        raise Malformed
    m = ORIORI_TEXT.fullmatch(b.decode("ascii", errors="replace"))
    if m is None:
        raise Malformed
    return [("battery", value(float(m.group("battery")))),
            ("pressure", value(float(m.group("load")), factor=KG_TO_KPA))]


ORIORI = Profile("oriori-ball", {O_DATA: (100_000, decode_oriori)}, pressure=True, motion=False)

# Nano 33 BLE Sense
N_ACCEL = "555a0002-0011-467a-9538-01f0652c74e8"
N_GYRO = "555a0002-0012-467a-9538-01f0652c74e8"
N_TEMPERATURE = "555a0002-0014-467a-9538-01f0652c74e8"    # not in the profile: ignored
N_PRESSURE = "555a0002-0015-467a-9538-01f0652c74e8"
N_HUMIDITY = "555a0002-0016-467a-9538-01f0652c74e8"


def floats(*xs):
    return struct.pack("<%df" % len(xs), *xs)


def decode_floats(channels):
    def decode(b):
        if len(b) != 4 * len(channels):
            raise Malformed
        xs = struct.unpack("<%df" % len(channels), b)
        if any(math.isinf(x) for x in xs):
            raise Malformed
        out = []
        for c, x in zip(channels, xs):
            if math.isnan(x):
                out.append((c, x))
            elif c == "pressure" and not 26 <= x <= 126:
                out.append((c, NAN))  # valid: [26, 126] kPa in the profile: outside the barometer's range
            else:
                out.append((c, value(x)))
        return out
    return decode


NANO = Profile("nano33-ble-sense", {N_ACCEL: (100_000, decode_floats(("accel_x", "accel_y", "accel_z"))),
                                    N_GYRO: (100_000, decode_floats(("gyro_x", "gyro_y", "gyro_z"))),
                                    N_PRESSURE: (100_000, decode_floats(("pressure",)))},
               pressure=True, motion=True, baseline=(3000, 0.05), contact_kpa=0.5)

# Environmental Sensing
E_PRESSURE = "00002a6d-0000-1000-8000-00805f9b34fb"
E_TEMPERATURE = "00002a6e-0000-1000-8000-00805f9b34fb"   # not in the profile: ignored
E_HUMIDITY = "00002a6f-0000-1000-8000-00805f9b34fb"


def ess_pressure(decipascal):
    return struct.pack("<I", decipascal)


def decode_ess_pressure(b):
    if len(b) != 4:
        raise Malformed
    (raw,) = struct.unpack("<I", b)
    # valid: [26000, 126000] Pa in the profile: a 0 before the barometer is ready is no reading.
    return [("pressure", value(float(raw), 0.1, None, 0.0, 0.001) if 26000 <= raw * 0.1 <= 126000 else NAN)]


ESS = Profile("ess-pressure", {E_PRESSURE: (100_000, decode_ess_pressure)},
              pressure=True, motion=False, battery=BATTERY, baseline=(3000, 0.05), contact_kpa=0.5)


# ---------------------------------------------------------------------------------------------
# The model of the fusion.

def run(profile, frames):
    seq = -1
    pending = 0
    lost = 0
    malformed = 0
    battery = []
    last_ms = None
    last_receive = {}
    values = {c: NAN for c in MOTION}
    if not profile.motion:
        values.update(gyro_x=0.0, gyro_y=0.0, gyro_z=0.0)
    values["pressure"] = NAN
    valued = set()
    pressure_at = motion_at = None
    base = ref = None
    since = 0
    samples = []

    def rise(kpa, t_ms):
        nonlocal base, ref, since
        rest_ms, band = profile.baseline
        if base is None:
            base = ref = kpa
            since = t_ms
            return 0.0
        r = kpa - base
        heard = pressure_at is not None and t_ms - pressure_at <= rest_ms
        if not heard or abs(kpa - ref) > band:
            ref, since = kpa, t_ms
        elif r < profile.contact_kpa and t_ms - since >= rest_ms:
            base = ref = kpa
            since = t_ms
            r = 0.0
        return max(0.0, r)

    for t_us, char, raw in frames:
        if char not in profile.notifications:
            if char == profile.battery:
                if len(raw) < 1 or raw[0] > 100:
                    malformed += 1
                else:
                    battery.append(raw[0])
            continue
        period, decode = profile.notifications[char]
        try:
            read = decode(raw)
        except Malformed:
            malformed += 1
            continue
        missed = 0
        if char in last_receive:
            gap = t_us - last_receive[char]
            assert gap > 0 and gap % period == 0, f"{profile.name}: {char} at {t_us} is off its {period} us grid"
            k = gap // period
            assert k != 2, f"{profile.name}: {char} at {t_us}: a gap of 2 periods is smoothed, not counted"
            missed = k - 1 if k >= 3 else 0
        else:
            assert t_us % 1000 == 0, f"{profile.name}: {char} starts at {t_us}, not a whole ms"
        last_receive[char] = t_us
        t_ms = t_us // 1000 if last_ms is None else max(t_us // 1000, last_ms)
        lost += missed
        pending += missed
        came = False
        for channel, v in read:
            if math.isnan(v):
                continue
            if channel == "battery":
                if 0 <= v <= 100:
                    battery.append(int(math.floor(v + 0.5)))
                else:
                    malformed += 1
                continue
            if channel == "pressure":
                values["pressure"] = rise(v, t_ms) if profile.baseline else v
                pressure_at = t_ms
            else:
                values[channel] = v
                motion_at = t_ms
            valued.add(channel)
            came = True
        if came and all(c in valued for c in profile.channels):
            last_ms = t_ms
            seq += 1 + pending
            pending = 0
            samples.append({
                "t_ms": t_ms, "seq": seq,
                "pressure_kpa": values["pressure"] if profile.pressure else None,
                "gx_dps": values["gyro_x"], "gy_dps": values["gyro_y"], "gz_dps": values["gyro_z"],
                "ax_g": values["accel_x"], "ay_g": values["accel_y"], "az_g": values["accel_z"],
                "pressure_age_ms": t_ms - pressure_at if profile.pressure else 0,
                "motion_age_ms": t_ms - motion_at if profile.motion else 0,
            })
    return samples, dict(lost_samples=lost, lost_frames=lost, malformed=malformed, battery=battery)


# ---------------------------------------------------------------------------------------------
# Frame helpers.

def grid(char, t0_us, period_us, payloads):
    """Payloads on the characteristic's period from t0; None leaves a notification out (lost)."""
    return [(t0_us + i * period_us, char, p) for i, p in enumerate(payloads) if p is not None]


def merge(*streams):
    """Receive-time order; at equal times the streams' order as given."""
    frames = [f for s in streams for f in s]
    return sorted(frames, key=lambda f: f[0])


# ---------------------------------------------------------------------------------------------
# Vectors.

def thingy_ball_vectors():
    P, M = T_PRESSURE, T_MOTION
    still = thingy_motion(0, 0, 1024, 0, 0, 0)
    roll = [thingy_motion(20 * i, -512, 887, 3200 + 40 * i, -96, 16 * i, 100, -200, 300) for i in range(11)]
    out = []

    out.append(("pressure at 20 Hz and motion at 100 Hz, pressure held between its notifications, ages grow", merge(
        grid(P, 0, 50_000, [thingy_pressure(1013, 25), thingy_pressure(1013, 30), thingy_pressure(1015, 80)]),
        grid(M, 0, 10_000, roll))))

    out.append(("no sample until both pressure and motion have come", merge(
        grid(M, 0, 10_000, roll[:6]),
        grid(P, 45_000, 50_000, [thingy_pressure(1013, 25), thingy_pressure(1013, 25)]))))

    out.append(("motion first then pressure at the same time, the pressure notification primes", merge(
        grid(M, 0, 10_000, [still, still]),
        grid(P, 0, 50_000, [thingy_pressure(1013, 25)]))))

    out.append(("extreme raw values, int16 limits and int32 hPa with hundredths 99", merge(
        grid(P, 0, 50_000, [thingy_pressure(0, 0), thingy_pressure(2147483647, 99),
                            thingy_pressure(-2147483648, 99), thingy_pressure(0, 0)]),
        grid(M, 0, 10_000, [thingy_motion(-32768, 32767, 0, 32767, -32768, -1, 32767, -32768, 0)] * 5
                           + [thingy_motion(32767, -32768, -1, -32768, 32767, 1, 0, 0, 0)] * 6))))

    out.append(("negative rates and accelerations (rolling back, upside down)", merge(
        grid(P, 0, 50_000, [thingy_pressure(1013, 25)]),
        grid(M, 0, 10_000, [thingy_motion(-1, -1024, -1024, -1, -32, -3200),
                            thingy_motion(-512, -16, -2048, -4800, -1, -33),
                            thingy_motion(-1024, 0, 0, -160, 160, -160)]))))

    out.append(("lost notifications, motion gaps of 3 and 15 periods, a pressure gap of 4", merge(
        grid(P, 0, 50_000, [thingy_pressure(1013, 25), None, None, None, thingy_pressure(1013, 40)]),
        grid(M, 0, 10_000, [roll[0], roll[1], None, None, roll[4], roll[5]] + [None] * 14 + [roll[6]]))))

    out.append(("malformed lengths are counted and skipped", merge(
        grid(P, 0, 50_000, [thingy_pressure(1013, 25), thingy_pressure(1013, 25)]),
        grid(M, 0, 10_000, roll[:6]),
        [(5_000, P, thingy_pressure(1013, 25)[:4]),          # no hundredths byte
         (15_000, P, thingy_pressure(1013, 25) + b"\x00"),   # a byte too many
         (25_000, M, thingy_motion(1, 2, 3, 4, 5, 6)[:12]),  # no compass
         (35_000, M, b""),
         (45_000, M, thingy_motion(1, 2, 3, 4, 5, 6) + b"\x00\x00\x00\x00")])))  # 22 bytes, a timestamped fork

    # Baseline: ambient 1013.25 hPa; loading adds some hPa; unloading leaves a little drift that is
    # re-zeroed after 3 s at rest. Motion stops after the first notifications (none come in the
    # stretch), so its value and age are held.
    load = [(1013, 25), (1013, 27), (1014, 0), (1018, 50), (1021, 75), (1020, 10), (1013, 25), (1012, 80), (1013, 0)]
    out.append(("baseline, tared on the first reading, the rise on loading, following down at once", merge(
        grid(P, 0, 50_000, [thingy_pressure(h, c) for h, c in load]),
        grid(M, 0, 10_000, [still, still]))))

    rest = [(1013, 25)] * 2 + [(1020, 0)] * 4 + [(1013, 60), (1013, 70), (1013, 65)] * 6   # unloaded at 300 ms
    rest += [(1014, 50)]                                                                   # a nudge: out of the band
    rest += [(1014, 50), (1014, 45), (1014, 55), (1014, 50)] * 15 + [(1014, 50), (1014, 55)]   # 3 s at rest from the nudge
    rest += [(1014, 60), (1014, 40), (1013, 90)]                                           # above, then below the new baseline
    out.append(("baseline re-zeroed after 3 s within the band, the timer restarting on a nudge", merge(
        grid(P, 0, 50_000, [thingy_pressure(h, c) for h, c in rest]),
        grid(M, 0, 10_000, [still, still]))))

    held = [(1013, 25)] * 2 + [(1019, 50), (1019, 55), (1019, 45)] * 24 + [(1013, 25)]
    out.append(("a steady load is never re-zeroed", merge(
        grid(P, 0, 50_000, [thingy_pressure(h, c) for h, c in held]),
        grid(M, 0, 10_000, [still, still]))))

    out.append(("battery levels; out of range and empty are malformed", merge(
        [(0, BATTERY, bytes([87]))],
        grid(P, 10_000, 50_000, [thingy_pressure(1013, 25)]),
        grid(M, 10_000, 10_000, [still, still]),
        [(25_000, BATTERY, bytes([86])), (26_000, BATTERY, bytes([101])), (27_000, BATTERY, b""),
         (28_000, BATTERY, bytes([100])), (29_000, BATTERY, bytes([0]))])))

    out.append(("characteristics the profile does not use are ignored", merge(
        grid(P, 0, 50_000, [thingy_pressure(1013, 25), thingy_pressure(1013, 30)]),
        grid(M, 0, 10_000, [still] * 6),
        [(5_000, T_TEMPERATURE, bytes([21, 50])), (15_000, T_ENV_CONFIG, bytes(12)),
         (25_000, "0000180a-0000-1000-8000-00805f9b34fb", b"Nordic")])))
    return out


def thingy_roller_vectors():
    M = T_MOTION
    roll = [thingy_motion(10 * i, 0, -1024, 0, 2400 - 100 * i, 0, 10, 20, 30) for i in range(12)]
    still = thingy_motion(0, 0, 1024, 0, 0, 0)
    out = []
    out.append(("motion at 50 Hz, a sample per notification, no pressure", grid(M, 0, 20_000, roll[:6])))
    out.append(("the first sample at the first notification's receive time", grid(M, 1_234_000, 20_000, roll[:3])))
    out.append(("extreme raw values, int16 limits (compass ignored)", grid(M, 0, 20_000, [
        thingy_motion(-32768, 32767, 0, 32767, -32768, -1, -32768, 32767, -1),
        thingy_motion(32767, -32768, -1, -32768, 32767, 1, 32767, -32768, 1),
        thingy_motion(1, -1, 0, 1, -1, 0)])))
    out.append(("negative rates and accelerations", grid(M, 0, 20_000, [
        thingy_motion(-1024, -512, -1, -3200, -32, -1),
        thingy_motion(-2048, -1, -10240, -1, -5000, -20000)])))
    out.append(("lost notifications, gaps of 3 and 10 periods", grid(M, 0, 20_000,
        [roll[0], roll[1], None, None, roll[2]] + [None] * 9 + [roll[3], roll[4]])))
    out.append(("a long silence (2 s) counts every notification missed in it", grid(M, 0, 20_000,
        [roll[0], roll[1]] + [None] * 99 + [roll[2]])))
    out.append(("malformed lengths are counted and skipped", merge(grid(M, 0, 20_000, roll[:4]), [
        (10_000, M, b""), (30_000, M, roll[0][:12]), (31_000, M, roll[0][:17]), (50_000, M, roll[0] + b"\x00"),
        (51_000, M, roll[0] + b"\x00\x00\x00\x00")])))
    out.append(("the Thingy's pressure characteristic is not in this profile, ignored", merge(
        grid(M, 0, 20_000, [still] * 4),
        grid(T_PRESSURE, 10_000, 50_000, [thingy_pressure(1013, 25), thingy_pressure(1013, 30)]),
        [(15_000, T_TEMPERATURE, bytes([21, 50]))])))
    out.append(("battery levels; out of range and empty are malformed", merge(
        [(0, BATTERY, bytes([100]))], grid(M, 5_000, 20_000, [still, still]),
        [(30_000, BATTERY, bytes([99])), (31_000, BATTERY, bytes([255])), (32_000, BATTERY, b""),
         (33_000, BATTERY, bytes([0]))])))
    return out


def oriori_vectors():
    D = O_DATA

    def txt(s):
        return s.encode("ascii")
    out = []
    out.append(("load in kg becomes kPa over 10 cm2; battery from the text", grid(D, 0, 100_000, [
        txt("870000.0|"), txt("871005.3|"), txt("871012.5|"), txt("870060.0|"), txt("860012.5|")])))
    out.append(("the rising flag is ignored", grid(D, 0, 100_000, [
        txt("871060.0|"), txt("870060.0|"), txt("871060.0|"), txt("870059.9|")])))
    out.append(("one to three digits before the point; the trailing bar is optional", grid(D, 0, 100_000, [
        txt("8705.0|"), txt("87005.0"), txt("87105.0"), txt("870150.0|"), txt("87199.9")])))
    out.append(("extremes, no load, the largest load, battery 00 and 99", grid(D, 0, 100_000, [
        txt("9900.0|"), txt("991999.9|"), txt("000999.9"), txt("0000.0|")])))
    bad = [txt("AB1012.5|"), b"", txt("871012.5|") + b" " * 61, txt("871012.5||"), txt("8710125|"),
           txt("872012.5|"), txt("871012.55|"), txt("871012.5|\n"), txt("8710-1.0|"), b"87\xb91012.5|",
           txt("87 1012.5|"), txt("8710012.5|"), txt("871 012.5|")]
    assert len(bad[2]) == 70
    out.append(("malformed texts are counted and change nothing", merge(
        grid(D, 0, 100_000, [txt("871012.5|"), txt("871013.0|"), txt("861014.5|")]),
        [(50_000 + 1_000 * i, D, b) for i, b in enumerate(bad)])))
    out.append(("lost notifications, a gap of 3 periods", grid(D, 0, 100_000, [
        txt("871012.5|"), None, None, txt("871020.0|"), txt("871020.0|")])))
    out.append(("a minute of silence counts every notification missed in it", grid(D, 5_000_000, 100_000,
        [txt("871012.5|")] + [None] * 599 + [txt("860000.0|")])))
    out.append(("other characteristics are ignored", merge(
        grid(D, 0, 100_000, [txt("871012.5|"), txt("871012.5|")]),
        [(50_000, O_OTHER, txt("871099.9|")), (60_000, BATTERY, bytes([12]))])))
    return out


def nano_vectors():
    G, A, P = N_GYRO, N_ACCEL, N_PRESSURE
    ambient = floats(101.325)
    out = []
    # Each characteristic on its own 100 ms grid, a few ms apart.
    out.append(("gyro, accel and pressure at 10 Hz each fuse into one stream", merge(
        grid(G, 0, 100_000, [floats(10.5, -2.25, 0.125), floats(12.0, -2.5, 0.0), floats(11.75, -2.0, 0.5)]),
        grid(A, 3_000, 100_000, [floats(0.01, -0.5, 0.86), floats(0.02, -0.49, 0.87), floats(0.0, -0.5, 0.866)]),
        grid(P, 7_000, 100_000, [ambient, floats(101.33), floats(101.9)]))))
    out.append(("no sample until gyro, accel and pressure have each had a value", merge(
        [(0, P, ambient), (1_000, A, floats(0.0, 0.0, 1.0)), (2_000, G, floats(NAN, 1.0, 2.0)),
         (100_000, P, ambient), (101_000, A, floats(0.0, 0.0, 1.0)), (102_000, G, floats(3.0, NAN, NAN)),
         (200_000, P, ambient)])))
    out.append(("float32 extremes, negatives and rounding", merge(
        grid(G, 0, 100_000, [floats(-2000.0, 3.4028234663852886e38, -1.1754943508222875e-38),
                             floats(1e-45, -0.0, -3.4028234663852886e38)]),
        grid(A, 1_000, 100_000, [floats(-16.0, 0.1, -0.3), floats(16.0, -0.0, 1e-7)]),
        grid(P, 2_000, 100_000, [floats(101.325), floats(3.4028234663852886e38)]))))
    out.append(("NaN is no reading, the channel keeps its last value; an all-NaN notification gives no sample", merge(
        grid(G, 0, 100_000, [floats(1.0, 2.0, 3.0), floats(NAN, 5.0, -5.0), f32_bits(0x7FC00000) * 3,
                             f32_bits(0xFFFFFFFF) + floats(7.0) + f32_bits(0x7F800001)]),
        grid(A, 1_000, 100_000, [floats(0.0, 0.0, 1.0), floats(0.0, 0.0, 1.0), floats(0.0, 0.0, 1.0), floats(0.0, 0.0, 1.0)]),
        grid(P, 2_000, 100_000, [ambient, floats(NAN), floats(101.4), floats(NAN)]))))
    out.append(("infinity is malformed, the whole notification is dropped", merge(
        grid(G, 0, 100_000, [floats(1.0, 2.0, 3.0), floats(4.0, 5.0, 6.0)]),
        grid(A, 1_000, 100_000, [floats(0.0, 0.0, 1.0), floats(0.0, 0.0, 1.0)]),
        grid(P, 2_000, 100_000, [ambient, floats(101.4)]),
        [(50_000, G, f32_bits(0x7F800000) + floats(9.0, 9.0)), (51_000, A, floats(9.0, 9.0) + f32_bits(0xFF800000)),
         (52_000, P, f32_bits(0x7F800000))])))
    out.append(("lost notifications, gyro gap of 3 periods, pressure gap of 4", merge(
        grid(G, 0, 100_000, [floats(1.0, 0.0, 0.0), None, None, floats(2.0, 0.0, 0.0), floats(3.0, 0.0, 0.0)]),
        grid(A, 1_000, 100_000, [floats(0.0, 0.0, 1.0)] * 5),
        grid(P, 2_000, 100_000, [ambient, None, None, None, floats(101.5)]))))
    out.append(("malformed lengths are counted and skipped", merge(
        grid(G, 0, 100_000, [floats(1.0, 2.0, 3.0), floats(1.5, 2.5, 3.5)]),
        grid(A, 1_000, 100_000, [floats(0.0, 0.0, 1.0), floats(0.0, 0.1, 0.9)]),
        grid(P, 2_000, 100_000, [ambient, floats(101.4)]),
        [(50_000, G, floats(1.0, 2.0)), (51_000, A, floats(0.0, 0.0, 1.0, 0.0)), (52_000, P, b""),
         (53_000, P, struct.pack("<d", 101.4)), (54_000, P, floats(101.4)[:3])])))
    # Baseline, with a realistic ambient of 101.325 kPa and a rise of some hPa on loading. Motion
    # only at the start: the gyro and accel keep their values and their age grows.
    load = [101.325, 101.327, 101.4, 101.85, 102.1, 102.0, 101.325, 101.28, 101.3]
    out.append(("baseline, tared on the first reading, the rise on loading, following down at once", merge(
        grid(G, 0, 100_000, [floats(0.5, -0.5, 0.0)]), grid(A, 0, 100_000, [floats(0.0, 0.0, 1.0)]),
        grid(P, 0, 100_000, [floats(x) for x in load]))))
    rest = [101.325, 102.0, 102.0, 101.36, 101.37, 101.365] + [101.36, 101.37] * 3 + [101.45]
    rest += [101.45, 101.445, 101.455, 101.45] * 7 + [101.45, 101.45, 101.47, 101.44]
    out.append(("baseline re-zeroed after 3 s within the band, the timer restarting on a nudge", merge(
        grid(G, 0, 100_000, [floats(0.5, -0.5, 0.0)]), grid(A, 0, 100_000, [floats(0.0, 0.0, 1.0)]),
        grid(P, 0, 100_000, [floats(x) for x in rest]))))
    held = [101.325, 101.325] + [101.95, 101.96, 101.94] * 13 + [101.325]
    out.append(("a steady load is never re-zeroed", merge(
        grid(G, 0, 100_000, [floats(0.5, -0.5, 0.0)]), grid(A, 0, 100_000, [floats(0.0, 0.0, 1.0)]),
        grid(P, 0, 100_000, [floats(x) for x in held]))))
    out.append(("other characteristics (temperature, humidity, a battery level) are ignored", merge(
        grid(G, 0, 100_000, [floats(1.0, 2.0, 3.0), floats(1.0, 2.0, 3.0)]),
        grid(A, 1_000, 100_000, [floats(0.0, 0.0, 1.0), floats(0.0, 0.0, 1.0)]),
        grid(P, 2_000, 100_000, [ambient, ambient]),
        [(10_000, N_TEMPERATURE, floats(24.5)), (20_000, N_HUMIDITY, floats(40.0)), (30_000, BATTERY, bytes([50]))])))
    return out


def ess_vectors():
    P = E_PRESSURE
    out = []
    out.append(("uint32 in 0.1 Pa, tared on the first reading, the rise in kPa", grid(P, 0, 100_000, [
        ess_pressure(x) for x in (1013250, 1013253, 1013300, 1014000, 1018250, 1021001)])))
    out.append(("extremes, 0 and the uint32 maximum", grid(P, 0, 100_000, [
        ess_pressure(0), ess_pressure(4294967295), ess_pressure(1), ess_pressure(0)])))
    out.append(("the baseline follows a lower reading at once", grid(P, 0, 100_000, [
        ess_pressure(x) for x in (1013250, 1013000, 1012999, 1013100, 1012500, 1020000)])))
    rest = [1013250, 1020000, 1020000, 1013600, 1013700, 1013650] + [1013600, 1013700] * 3 + [1014500]
    rest += [1014500, 1014450, 1014550, 1014500] * 7 + [1014500, 1014500, 1014700, 1014400]
    out.append(("baseline re-zeroed after 3 s within the band, the timer restarting on a nudge",
                grid(P, 0, 100_000, [ess_pressure(x) for x in rest])))
    held = [1013250, 1013250] + [1019500, 1019600, 1019400] * 13 + [1013250]
    out.append(("a steady load is never re-zeroed", grid(P, 0, 100_000, [ess_pressure(x) for x in held])))
    out.append(("lost notifications, gaps of 3 periods and of a minute", grid(P, 0, 100_000,
        [ess_pressure(1013250), ess_pressure(1013250), None, None, ess_pressure(1013260)] + [None] * 599
        + [ess_pressure(1020000)])))
    out.append(("malformed lengths are counted and skipped", merge(
        grid(P, 0, 100_000, [ess_pressure(1013250), ess_pressure(1013300), ess_pressure(1013400)]),
        [(50_000, P, b""), (51_000, P, ess_pressure(1013250)[:2]), (52_000, P, ess_pressure(1013250)[:3]),
         (150_000, P, ess_pressure(1013250) + b"\x00")])))
    out.append(("battery levels; out of range and empty are malformed", merge(
        [(0, BATTERY, bytes([90]))],
        grid(P, 10_000, 100_000, [ess_pressure(1013250), ess_pressure(1013250)]),
        [(50_000, BATTERY, bytes([89])), (60_000, BATTERY, bytes([101])), (70_000, BATTERY, b""),
         (80_000, BATTERY, bytes([0]))])))
    out.append(("temperature and humidity characteristics are ignored", merge(
        grid(P, 0, 100_000, [ess_pressure(1013250), ess_pressure(1013300)]),
        [(10_000, E_TEMPERATURE, struct.pack("<h", 2150)), (20_000, E_HUMIDITY, struct.pack("<H", 4000))])))
    return out


# ---------------------------------------------------------------------------------------------
# Output.

def num(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "null"
    if isinstance(x, int):
        return str(x)
    r = round(x, 9) + 0.0    # + 0.0: no -0.0
    text = repr(r)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:
        text = mantissa + ".0e" + exponent    # a YAML float needs its point
    assert abs(float(text) - x) < 8e-10 or float(text) == x, (x, text)   # the tests allow 1e-9
    return text


def fmt(d):
    return "{" + ", ".join(f"{k}: {num(v)}" for k, v in d.items()) + "}"


def write(profile, vectors):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), profile.name + ".yaml")
    assert len(vectors) >= 8, profile.name
    with open(path, "w") as f:
        f.write(f"# Test vectors for {profile.name}: notifications as the device sends them (t_us = receive time,\n")
        f.write("# char = the notifying characteristic), and the samples they must decode to, with each sample's\n")
        f.write("# pressure and motion age. Generated by generate_channels.py beside this file.\n")
        f.write(f"profile: {profile.name}\nvectors:\n")
        for name, frames in vectors:
            assert ": " not in name and " #" not in name and name[0].isalnum(), name   # a plain YAML scalar
            samples, counts = run(profile, frames)
            write_vector(f, name, frames, samples, counts, fmt)


if __name__ == "__main__":
    write(THINGY_BALL, thingy_ball_vectors())
    write(THINGY_ROLLER, thingy_roller_vectors())
    write(ORIORI, oriori_vectors())
    write(NANO, nano_vectors())
    write(ESS, ess_vectors())
