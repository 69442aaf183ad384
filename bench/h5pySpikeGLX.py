"""Writes the AP channels of a SpikeGLX .bin with h5py: the same array, chunks and gzip level 4 as neuroconv.

usage: /usr/bin/python3 bench/h5pySpikeGLX.py BIN OUT.h5 SAVED_CHANNELS CHANNELS CHUNK_FRAMES CHUNK_CHANNELS BUFFER_FRAMES
Prints one JSON line: seconds, CPU seconds (whole process), peak RSS (MB) and file size (MB).
"""
import json
import os
import resource
import sys
import time

import h5py
import numpy as np

path, out = sys.argv[1], sys.argv[2]
saved, channels, chunk_t, chunk_c, buffer_t = map(int, sys.argv[3:8])
interleaved = np.memmap(path, dtype="<i2", mode="r").reshape(-1, saved)
frames = interleaved.shape[0]

started = time.perf_counter()
with h5py.File(out, "w") as f:
    d = f.create_dataset("data", shape=(frames, channels), dtype="<i2", chunks=(chunk_t, chunk_c),
                         compression="gzip", compression_opts=4)
    for s in range(0, frames, buffer_t):
        e = min(frames, s + buffer_t)
        d[s:e] = interleaved[s:e, :channels]
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "cpuSeconds": usage.ru_utime + usage.ru_stime,
                  "peakRssMB": usage.ru_maxrss / 1024, "fileMB": os.path.getsize(out) / 1e6}))
