"""Speed targets: lookups against bare Python, and `check` of every card on this machine.

Run with `make bench`. Exits 1 when a target is missed, so a regression is hard to overlook.
"""

import os
import statistics
import subprocess
import sys
import time

RUNS = 15
# (label, argv after the interpreter, runs, target median ms or None, target peak MiB or None)
COMMANDS = [
    ("python -c pass", ["-c", "pass"], RUNS, None, None),
    ("show activations", ["-m", "cheatsheet", "show", "activations"], RUNS, 50, 25),
    ("list", ["-m", "cheatsheet", "list"], RUNS, 50, 25),
    ("search softmax", ["-m", "cheatsheet", "search", "softmax"], RUNS, 50, 25),
    ("search a question", ["-m", "cheatsheet", "search", "how", "do", "I", "prevent",
                           "overfitting"], RUNS, 50, 25),
    ("roadmap", ["-m", "cheatsheet", "roadmap"], RUNS, 50, 25),
    # every card's demo in one process, TensorFlow imported once: a lab machine's smoke test
    ("check (all cards)", ["-m", "cheatsheet", "check"], 1, 60_000, None),
    # issue 12: the same cards on JAX, where they declare it; its target is relative, below
    ("check --backend jax", ["-m", "cheatsheet", "check", "--backend", "jax"], 1, None, None),
]
# label -> (the label it is timed against in the same run, the most it may take, as a ratio)
RELATIVE_TARGETS = {"check --backend jax": ("check (all cards)", 1.2)}


# As installed for a user: bytecode cached (pip compiles it at install). A PYTHONDONTWRITEBYTECODE
# in this shell would have every run recompile the edited modules and time the compiler.
ENVIRONMENT = {name: value for name, value in os.environ.items()
               if name != "PYTHONDONTWRITEBYTECODE"}


def measure(argv):
    """(wall seconds, peak resident MiB) of one run of this Python with `argv`."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL,
                               env=ENVIRONMENT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"Error: {' '.join(argv)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def relevance():
    """Search's top-1 and top-3 hit rates on tests/search_questions.tsv, in this process; 1 if
    under the targets the tests assert."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        from tests.test_search import TOP_1, TOP_3
        from tests.test_search import relevance as measure_relevance
    except ImportError as error:  # the question set's reader lives with the tests
        print(f"search relevance: not measured ({error}); pip install -e '.[test]'")
        return 0

    top_1, top_3, misses = measure_relevance()
    met = top_1 >= TOP_1 and top_3 >= TOP_3
    print(f"search relevance: top-1 {top_1:.1%} (>= {TOP_1:.0%}), top-3 {top_3:.1%} "
          f"(>= {TOP_3:.0%}): {'met' if met else 'MISSED'}; {len(misses)} not first")
    for miss in misses:
        print(f"  {miss}")
    return 0 if met else 1


def backend_installed(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


def main():
    print(f"{os.cpu_count()} cores, {sys.executable}")
    print(f"{'command':<20} {'runs':>4} {'median ms':>10} {'peak MiB':>9} {'x python':>9}  target")
    baseline_ms, missed, medians = None, [], {}
    for label, argv, runs, target_ms, target_mib in COMMANDS:
        if label in RELATIVE_TARGETS:
            against, ratio = RELATIVE_TARGETS[label]
            if "--backend" in argv and not backend_installed(argv[argv.index("--backend") + 1]):
                print(f"{label:<20} skipped: {argv[-1]} is not installed (make test-backends)")
                continue
            target_ms = round(medians[against] * ratio)
        if runs > 1:
            measure(argv)  # warm the file cache and .pyc files
        samples = [measure(argv) for _ in range(runs)]
        median_ms = statistics.median(wall for wall, _ in samples) * 1000
        peak_mib = max(mib for _, mib in samples)
        medians[label] = median_ms
        baseline_ms = baseline_ms or median_ms
        verdict = ""
        if target_ms is not None:
            met = median_ms <= target_ms and (target_mib is None or peak_mib <= target_mib)
            limits = f"<= {target_ms:,} ms" + (f", <= {target_mib} MiB" if target_mib else "")
            verdict = f"{limits}: {'met' if met else 'MISSED'}"
            if not met:
                missed.append(label)
        print(f"{label:<20} {runs:>4} {median_ms:>10.1f} {peak_mib:>9.1f} "
              f"{median_ms / baseline_ms:>8.2f}x  {verdict}", flush=True)
    # Last: it imports pytest into this process, and a child forked from a larger parent reports
    # the parent's memory as its own peak (ru_maxrss counts the pages it had before exec).
    missed_relevance = relevance()
    if missed:
        print(f"missed: {', '.join(missed)}")
        return 1
    return missed_relevance


if __name__ == "__main__":
    sys.exit(main())
