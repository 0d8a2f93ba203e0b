"""The machine line every benchmark prints (CPU model, cores, Python, and the machine's speed now).

A shared 2-core VM is not equally fast all day: the same test suite used 428 s of CPU at one hour
and 534 s the next. So the line ends with a speed probe, the seconds a fixed pure-Python loop takes
(best of three), taken when the figures are printed: two runs of a benchmark compare only at
similar probes."""

from __future__ import annotations

import os
import platform
import time


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or what platform knows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def speed_probe(n: int = 5_000_000, repeat: int = 3) -> float:
    """Seconds for ``n`` steps of a pure-Python sum, best of ``repeat`` (lower is faster)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        s = 0
        for i in range(n):
            s += i
        best = min(best, time.perf_counter() - t)
    return best


def machine() -> str:
    """``x86_64, 2 cores, <CPU>, Python 3.11.7, speed probe 0.52 s``."""
    return (f"{platform.machine()}, {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}, "
            f"speed probe {speed_probe():.2f} s (5·10⁶-step Python loop, best of 3; lower is faster)")
