"""Writes the same synthetic recording as bench/syntheticRecording.ts with h5py (same chunks, gzip 4).

usage: /usr/bin/python3 bench/h5pyWrite.py OUT.h5 FRAMES CHANNELS CHUNK_FRAMES CHUNK_CHANNELS BUFFER_FRAMES
Prints one JSON line: seconds, MB/s and peak RSS.
"""
import json
import resource
import sys
import time

import h5py
import numpy as np

out, frames, channels, chunk_t, chunk_c, buffer_t = sys.argv[1], *map(int, sys.argv[2:7])


def block(start, end):
    t = np.arange(start, end, dtype=np.uint32)[:, None]
    c = np.arange(channels, dtype=np.uint32)[None, :]
    with np.errstate(over="ignore"):
        x = t * np.uint32(0x9E3779B1) + c * np.uint32(0x85EBCA6B)
        x ^= x >> np.uint32(15)
        x = x * np.uint32(0x2C1B3C6D)
        x ^= x >> np.uint32(13)
    wave = np.round(200 * np.sin(t / 50 + c / 8))  # JS Math.round: half up; ties are negligible here
    return ((x & np.uint32(255)).astype(np.int32) - 128 + wave.astype(np.int32)).astype(np.int16)


started = time.perf_counter()
with h5py.File(out, "w") as f:
    d = f.create_dataset("data", shape=(frames, channels), dtype="int16", chunks=(chunk_t, chunk_c),
                         compression="gzip", compression_opts=4)
    for s in range(0, frames, buffer_t):
        e = min(frames, s + buffer_t)
        d[s:e] = block(s, e)
seconds = time.perf_counter() - started
mb = frames * channels * 2 / 1e6
print(json.dumps({"seconds": seconds, "mbPerSecond": mb / seconds,
                  "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
