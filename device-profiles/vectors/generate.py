#!/usr/bin/env python3
"""Writes the RollSense test vectors: frames as the device sends them, and the samples they must
decode to. Independent of the Java encoder on purpose (struct, by hand from design §3), so the
vectors check the profile and decoder rather than agree with them.

    python3 device-profiles/vectors/generate.py    # rewrites rollsense-ball.yaml and rollsense-roller.yaml
"""
import os
import struct

DATA = "7e1a0002-5b2f-4c3a-9d4e-20a6b7c8d9e0"
BATTERY = "00002a19-0000-1000-8000-00805f9b34fb"
PERIOD_US = 10_000  # 100 Hz


def sample(gx, gy, gz, ax, ay, az, p):
    """Raw integers: gyro in 0.1 deg/s, accel in mg, pressure in 0.1 kPa."""
    return (gx, gy, gz, ax, ay, az, p)


def pack_sample(s):
    return struct.pack("<hhhhhhH", *s)


def type1(seq, t0_us, samples):
    return struct.pack("<BBHI", 1, len(samples), seq & 0xFFFF, t0_us & 0xFFFFFFFF) + b"".join(map(pack_sample, samples))


def type2(seq, s):
    return struct.pack("<BBH", 2, 1, seq & 0xFFFF) + pack_sample(s)


def physical(t_ms, seq, s):
    gx, gy, gz, ax, ay, az, p = s
    return {"t_ms": t_ms, "seq": seq, "pressure_kpa": round(p * 0.1, 4),
            "gx_dps": round(gx * 0.1, 4), "gy_dps": round(gy * 0.1, 4), "gz_dps": round(gz * 0.1, 4),
            "ax_g": round(ax * 0.001, 4), "ay_g": round(ay * 0.001, 4), "az_g": round(az * 0.001, 4)}


def fmt(d):
    return "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"


def vectors():
    a = sample(125, -3, 0, 12, -500, 866, 653)       # rolling: 12.5 deg/s, 65.3 kPa
    b = sample(-2, 1, 4, 0, 0, 1000, 1101)           # still, 110.1 kPa
    c = sample(-32768, 32767, -1, -2000, 2000, 0, 65535)  # extremes of every field
    out = []

    # Type 2, one sample per frame; seq starts at 100, receive time 0.
    out.append(("type 2 carries one sample, time from seq", [(0, DATA, type2(100, a)), (10_000, DATA, type2(101, b))],
                [physical(0, 100, a), physical(10, 101, b)], dict(lost_samples=0, lost_frames=0, malformed=0)))
    # Type 1 batch of three at t0; the first sample lands on the receive time, then one period each.
    out.append(("type 1 batch of three, time from t0", [(5_000_000, DATA, type1(7, 123_456_000, [a, b, c]))],
                [physical(5000, 7, a), physical(5010, 8, b), physical(5020, 9, c)], dict(lost_samples=0, lost_frames=0, malformed=0)))
    # The 16-bit seq wraps: 65534, 65535, 0, 1 are consecutive and time keeps going.
    out.append(("type 2 seq wraps at 16 bits without a gap",
                [(0, DATA, type2(65534, a)), (10_000, DATA, type2(65535, b)), (20_000, DATA, type2(0, a)), (30_000, DATA, type2(1, b))],
                [physical(0, 65534, a), physical(10, 65535, b), physical(20, 65536, a), physical(30, 65537, b)],
                dict(lost_samples=0, lost_frames=0, malformed=0)))
    # A lost type 2 frame: seq 12 never arrives; seq 13 is three periods after 10.
    out.append(("type 2 lost frame is counted and time skips it",
                [(0, DATA, type2(10, a)), (10_000, DATA, type2(11, b)), (30_000, DATA, type2(13, a))],
                [physical(0, 10, a), physical(10, 11, b), physical(30, 13, a)], dict(lost_samples=1, lost_frames=1, malformed=0)))
    # A lost type 1 frame across the seq wrap: 65534 (2 samples), [65536 lost], 65538.
    out.append(("type 1 lost frame across the seq wrap",
                [(0, DATA, type1(65534, 1_000_000, [a, b])), (40_000, DATA, type1(2, 1_040_000, [b, a]))],
                [physical(0, 65534, a), physical(10, 65535, b), physical(40, 65538, b), physical(50, 65539, a)],
                dict(lost_samples=2, lost_frames=1, malformed=0)))
    # The 32-bit µs clock wraps (every 71.6 minutes): time keeps going forward.
    out.append(("type 1 t0 wraps at 32 bits",
                [(0, DATA, type1(0, 0xFFFFFFFF - 9_999, [a])), (10_000, DATA, type1(1, 1, [b]))],
                [physical(0, 0, a), physical(10, 1, b)], dict(lost_samples=0, lost_frames=0, malformed=0)))
    # Malformed frames are counted and skipped; good frames around them still decode.
    bad = [
        (0, DATA, type2(1, a)),
        (10_000, DATA, bytes([2, 1, 2])),                                # shorter than the header
        (20_000, DATA, bytes([9, 1, 2, 0]) + pack_sample(a)),           # unknown frame type
        (30_000, DATA, struct.pack("<BBHI", 1, 11, 2, 0) + pack_sample(a) * 11),  # n above 10
        (40_000, DATA, struct.pack("<BBHI", 1, 0, 2, 0)),                # n of 0
        (50_000, DATA, type1(2, 20_000, [a, b])[:-1]),                   # length does not match n
        (60_000, DATA, b""),                                             # empty
        (70_000, DATA, type2(2, b)),
    ]
    out.append(("malformed frames are counted and skipped", bad, [physical(0, 1, a), physical(10, 2, b)],
                dict(lost_samples=0, lost_frames=0, malformed=6)))
    # Battery level notifications: one byte, percent.
    out.append(("battery level", [(0, BATTERY, bytes([87])), (1_000, BATTERY, bytes([15]))], [],
                dict(lost_samples=0, lost_frames=0, malformed=0, battery=[87, 15])))
    out.append(("battery level out of range is malformed", [(0, BATTERY, bytes([101]))], [],
                dict(lost_samples=0, lost_frames=0, malformed=1, battery=[])))
    return out


def write(profile):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), profile + ".yaml")
    with open(path, "w") as f:
        f.write(f"# Test vectors for {profile}: frames as the device sends them (t_us = receive time),\n")
        f.write("# and the samples they must decode to. Generated by generate.py beside this file.\n")
        f.write(f"profile: {profile}\nvectors:\n")
        for name, frames, samples, counts in vectors():
            write_vector(f, name, frames, samples, counts, fmt)


def write_vector(f, name, frames, samples, counts, show):
    """One vector: its frames as hex, the samples (each as show(sample) writes it) and the counters."""
    f.write(f"  - name: {name}\n    frames:\n")
    for t_us, char, raw in frames:
        f.write(f"      - {{t_us: {t_us}, char: \"{char}\", hex: \"{raw.hex()}\"}}\n")
    f.write("    samples:" + (" []\n" if not samples else "\n"))
    for s in samples:
        f.write(f"      - {show(s)}\n")
    for k, v in counts.items():
        f.write(f"    {k}: {v}\n")


if __name__ == "__main__":
    for p in ("rollsense-ball", "rollsense-roller"):
        write(p)
