"""check --all-backends: every card on every Keras backend, each backend in its own process.

Keras reads KERAS_BACKEND once, when it is first imported, so one process can hold only one
backend: this module imports no Keras at all. It runs `python -m cheatsheet check --backend NAME
--json` once per installed backend, one after another (they would only fight over the cores),
and assembles the card x backend grid from their JSON.
"""

import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys

from ..cards.cardfile import BACKENDS
from ..errors import MissingLibrary
from .runner import BACKEND_INSTALL, INSTALL_HINT, figure_line

LABELS = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def version_of(name):
    """The installed distribution's version, without importing it (None if not installed)."""
    for distribution in (name, f"{name}-cpu"):  # tensorflow-cpu installs `tensorflow` too
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def run_backend(name, topics=(), seed=0, timeout=1800, as_written=False):
    """{status: ran | not installed | broken, ...} for one backend's `check --json` run."""
    if importlib.util.find_spec(MODULES[name]) is None:
        return {"status": "not installed", "install": BACKEND_INSTALL[name]}
    command = [sys.executable, "-m", "cheatsheet", "check", "--backend", name, "--json",
               "--seed", str(seed), *(["--as-written"] if as_written else []), *topics]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3")}
    env.pop("KERAS_BACKEND", None)  # --backend decides
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "broken", "error": f"check did not finish in {timeout} s"}
    try:
        report = json.loads(done.stdout)
    except ValueError:  # it died before printing: its last stderr line says why
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        error = lines[-1].removeprefix("Error: ") if lines else f"exit status {done.returncode}"
        return {"status": "broken", "error": error}
    return {"status": "ran", **report}


def grid(cards, topics=(), seed=0, progress=None, as_written=False):
    """The report of every backend: {"environment": ..., "cards": [{topic, backends}]}.
    Refused (MissingLibrary, exit 2) when Keras or every backend is missing: a grid of
    "not installed" cells would check nothing."""
    if version_of("keras") is None or not any(map(version_of, BACKENDS)):
        raise MissingLibrary("'check --all-backends' needs Keras and at least one of its "
                             f"backends, and none is installed: {INSTALL_HINT}")
    environment = {"python": sys.version.split()[0], "keras": version_of("keras"), "backends": {}}
    rows = {card.topic: {"topic": card.topic, "backends": {}} for card in cards}
    for name in BACKENDS:
        if progress:
            progress(f"running the cards on {name} ...")
        run = run_backend(name, topics, seed, as_written=as_written)
        column = {"status": run["status"], "version": version_of(name)}
        if run["status"] == "ran":
            column["seconds"] = round(sum(result["seconds"]["total"]
                                          for result in run["results"]), 1)
            column["import_seconds"] = round(run["environment"]["import_seconds"], 1)
            results = {result["topic"]: result for result in run["results"]}
        else:
            column.update({key: run[key] for key in ("install", "error") if key in run})
            results = {}
        environment["backends"][name] = column
        for card in cards:
            rows[card.topic]["backends"][name] = cell(card, name, column, results.get(card.topic))
    return {"environment": environment, "cards": list(rows.values())}


def cell(card, name, column, result):
    """One grid cell: status, plus the reason, error or figure behind it."""
    if name not in card.backends:
        return {"status": "not supported", "reason": dict(card.unsupported)[name]}
    if column["status"] == "not installed":
        return {"status": "not installed", "reason": f"install it: {column['install']}"}
    if column["status"] == "broken":
        return {"status": "error", "reason": column["error"], "backend_broken": True}
    if result is None:
        return {"status": "error", "reason": "missing from the backend's check report"}
    found = {"status": result["status"], "seconds": round(result["seconds"]["total"], 1)}
    if result["status"] == "ok":
        return found
    return {**found, "reason": figure_line(result)}


def failed(report):
    """(topic, backend) of every declared card that did not meet its target, installed ones."""
    return [(row["topic"], name) for row in report["cards"]
            for name, cell_ in row["backends"].items() if cell_["status"] in ("missed", "error")]


def render(report):
    """The grid as text: a version header, card x backend cells, numbered reasons below."""
    environment = report["environment"]
    versions = [f"Python {environment['python']}", f"Keras {environment['keras']}"]
    for name, column in environment["backends"].items():
        state = column["version"] or "not installed"
        if column["status"] == "broken":
            state += " (broken)"
        versions.append(f"{LABELS[name]} {state}")
    notes, lines = [], [" · ".join(versions), ""]
    width = max((len(row["topic"]) for row in report["cards"]), default=len("card"))
    cell_width = 18
    columns = "".join(name.ljust(cell_width) for name in environment["backends"])
    lines.append(("card".ljust(width) + "  " + columns).rstrip())
    for row in report["cards"]:
        texts = []
        for name, found in row["backends"].items():
            text = found["status"]
            if found["status"] in ("ok", "missed"):
                text += f" {found['seconds']:.1f}s"
            if "reason" in found and found["status"] != "not installed":
                if found["status"] == "not supported":
                    note = f"not {name}: {found['reason']}"
                elif found.get("backend_broken"):
                    note = f"{name} does not start: {found['reason']}"
                else:
                    note = f"{row['topic']} on {name}: {found['reason']}"
                if note not in notes:
                    notes.append(note)
                text += f" [{notes.index(note) + 1}]"
            texts.append(text.ljust(cell_width))
        lines.append(row["topic"].ljust(width) + "  " + "".join(texts).rstrip())
    totals = []
    for name, column in environment["backends"].items():
        if column["status"] == "ran":
            totals.append(f"{name} {column['seconds']:.1f} s (+ {column['import_seconds']:.1f} s "
                          f"import)")
        elif column["status"] == "not installed":
            totals.append(f"{name} not installed: {column['install']}")
        else:
            totals.append(f"{name} broken: {column['error']}")
    lines += ["", "time: " + "; ".join(totals)]
    lines += [f"[{number}] {note}" for number, note in enumerate(notes, start=1)]
    problems = failed(report)
    lines += ["", f"{len(problems)} failure(s) on a declared backend" + (
        ": " + ", ".join(f"{topic} on {name}" for topic, name in problems) if problems else "")]
    return "\n".join(lines) + "\n"
