"""Lookup speed: median wall time and peak memory of CLI commands against bare Python.

Run with `make bench`. Exits 1 when a target is missed, so a regression is hard to overlook.
"""

import os
import statistics
import subprocess
import sys
import time

RUNS = 15
# (label, argv after the interpreter, target median ms or None, target peak MiB or None)
COMMANDS = [
    ("python -c pass", ["-c", "pass"], None, None),
    ("show activations", ["-m", "cheatsheet", "show", "activations"], 50, 25),
    ("list", ["-m", "cheatsheet", "list"], 50, 25),
    ("search softmax", ["-m", "cheatsheet", "search", "softmax"], 50, 25),
    ("roadmap", ["-m", "cheatsheet", "roadmap"], 50, 25),
]


def measure(argv):
    """(wall seconds, peak resident MiB) of one run of this Python with `argv`."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"Error: {' '.join(argv)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main():
    print(f"{RUNS} runs each, {os.cpu_count()} cores, {sys.executable}")
    print(f"{'command':<20} {'median ms':>10} {'peak MiB':>9} {'x python':>9}  target")
    baseline_ms, missed = None, []
    for label, argv, target_ms, target_mib in COMMANDS:
        measure(argv)  # warm the file cache and .pyc files
        runs = [measure(argv) for _ in range(RUNS)]
        median_ms = statistics.median(wall for wall, _ in runs) * 1000
        peak_mib = max(mib for _, mib in runs)
        baseline_ms = baseline_ms or median_ms
        verdict = ""
        if target_ms is not None:
            met = median_ms <= target_ms and peak_mib <= target_mib
            verdict = f"<= {target_ms} ms, <= {target_mib} MiB: {'met' if met else 'MISSED'}"
            if not met:
                missed.append(label)
        print(f"{label:<20} {median_ms:>10.1f} {peak_mib:>9.1f} "
              f"{median_ms / baseline_ms:>8.2f}x  {verdict}")
    if missed:
        print(f"missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
