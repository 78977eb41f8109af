"""Each card's margin over its target, worst of seeds 0-4 (issue 17: lean demos keep a margin).

    python bench/margins.py [TOPIC ...] [--seeds N] [--jobs N] [--backend NAME] [--as-written]

Runs `cheatsheet check --json --seed S` once per seed (cards in workers, as a user's check runs
them) and prints, per card, the worst value of the seeds, its target, the margin and the slowest
run. Exits 1 when a card misses its target on any seed. `make bench` calls `worst_of_seeds`.
"""

import argparse
import json
import os
import subprocess
import sys

SEEDS = 5  # seeds 0-4


def check_results(seed, topics=(), jobs=None, backend=None, as_written=False):
    """{topic: result} of one `cheatsheet check --json --seed SEED` run in a fresh process."""
    argv = [sys.executable, "-m", "cheatsheet", "check", "--json", "--seed", str(seed), *topics]
    if as_written:  # every card in check's own process, none of check's tuning
        argv.append("--as-written")
    elif jobs:
        argv += ["--jobs", str(jobs)]
    if backend:
        argv += ["--backend", backend]
    finished = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              check=False)
    try:
        results = json.loads(finished.stdout)["results"]
    except (ValueError, KeyError):
        raise SystemExit(f"Error: check --seed {seed} printed no JSON "
                         f"(exit {finished.returncode})") from None
    return {result["topic"]: result for result in results}


def margin(value, target, higher_is_better):
    """How far past its target a value is, as a fraction of the target: 0.1 = 10% to spare,
    negative = missed. A target of 0 (nothing to divide by) gives the plain difference."""
    spare = value - target if higher_is_better else target - value
    return spare / abs(target) if target else spare


def worst_of_seeds(topics=(), seeds=SEEDS, jobs=None, backend=None, show=print,
                   as_written=False):
    """Print each card's worst seed; return the topics that missed on some seed."""
    runs = [check_results(seed, topics, jobs, backend, as_written) for seed in range(seeds)]
    show(f"{'topic':<22} {'worst':>10} {'target':>10} {'margin':>8} {'slowest s':>9}  "
         f"(seeds 0-{seeds - 1})")
    missed = []
    for topic, first in runs[0].items():
        results = [run[topic] for run in runs]
        if first.get("status") == "not supported":  # its Backends: field leaves this one out
            reason = first.get("reason", "")
            show(f"{topic:<22} {'not run':>10}  not supported here: {reason}"[:100])
            continue
        if any("value" not in result for result in results):
            errors = {result.get("error") for result in results if "value" not in result}
            show(f"{topic:<22} {'error':>10}  {'; '.join(map(str, errors))[:60]}")
            missed.append(topic)
            continue
        better = first["higher_is_better"]
        values = [result["value"] for result in results]
        worst = min(values) if better else max(values)
        spare = margin(worst, first["target"], better)
        slowest = max(result["seconds"]["total"] for result in results)
        verdict = "" if all(result["status"] == "ok" for result in results) else "  MISSED"
        if verdict:
            missed.append(topic)
        target = ('>= ' if better else '<= ') + format(first["target"], ".3g")
        show(f"{topic:<22} {worst:>10.4g} {target:>10} {spare:>7.0%} {slowest:>9.2f}{verdict}")
    return missed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topics", nargs="*", metavar="TOPIC")
    parser.add_argument("--seeds", type=int, default=SEEDS)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--backend")
    parser.add_argument("--as-written", action="store_true",
                        help="run the cards with none of check's tuning")
    args = parser.parse_args(argv)
    os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    missed = worst_of_seeds(args.topics, args.seeds, args.jobs, args.backend,
                            as_written=args.as_written)
    if missed:
        print(f"missed on some seed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
