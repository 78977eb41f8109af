"""Shared test set-up: quiet TensorFlow, one in-process CLI runner, the repository root."""

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cheatsheet.demos.tuning import threads_per_worker, worker_environment

# Before anything imports TensorFlow: no C++ start-up chatter in test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Before anything imports torch or jax: the tests' processes compile quickly with XLA, and
# pytest-xdist's workers share the cores for PyTorch's OpenMP threads, as check's workers do
# (tuning.worker_environment), and so do their subprocesses. The test harness's processes, not a
# learner's: the cards themselves run as written.
XDIST_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
worker_environment(os.environ, threads_per_worker(XDIST_WORKERS) if XDIST_WORKERS else None)

REPO = Path(__file__).resolve().parent.parent


class CliResult:
    def __init__(self, status, out, err):
        self.status, self.out, self.err = status, out, err


class TestStream(io.StringIO):
    """A standard stream the tests hand main(): text kept, a terminal when `terminal` is set
    (the `terminal` fixture), no file descriptor."""

    terminal = False

    def isatty(self):
        return self.terminal


@pytest.fixture
def cli(capsys):
    """Run the CLI in this process, on streams of its own (main's `streams`):
    cli("show", "cnn") -> CliResult(status, out, err). What a library writes to sys.stdout or
    sys.stderr itself (Python's warnings) is captured too, after the command's own."""
    from cheatsheet.cli import Streams, main

    def run(*argv):
        out, err = TestStream(), TestStream()
        try:
            status = main(list(argv), Streams(sys.stdin, out, err))
        except SystemExit as exit_:  # argparse's own exits: --help, --version, bad flags
            status = exit_.code
        captured = capsys.readouterr()
        return CliResult(status, out.getvalue() + captured.out, err.getvalue() + captured.err)

    return run


@pytest.fixture
def terminal(monkeypatch):
    """The cli fixture's standard output is a terminal (NO_COLOR unset, TERM=xterm)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(TestStream, "terminal", True)


def run_python(*args, timeout=120, **kwargs):
    """Run this venv's Python in a subprocess from the repository root (once more if it died of
    TensorFlow's rendezvous race: died_of_rendezvous_race)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **kwargs.pop("env", {})}
    cwd = kwargs.pop("cwd", REPO)
    for attempt in (1, 2):
        result = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                                text=True, timeout=timeout, **kwargs)
        if attempt == 2 or not died_of_rendezvous_race(
                result.stdout + result.stderr, result.returncode == -signal.SIGSEGV):
            return result


# tensorflow/tensorflow#62523 (open): a race in TensorFlow's local rendezvous can crash a process
# when a multi-device iterator's prefetch is cancelled, as it is at each epoch's end on the
# distributed card's two logical CPUs. Seen once, in CI on 2026-12-07 (a check worker killed by
# SIGSEGV right after "Local rendezvous is aborting ... GetNextFromShard was cancelled"), never
# in 27 runs of the same check here, idle or loaded. A test that starts such a process runs it
# once more when, and only when, it died that way; a learner's `check` shows the crash as it is.
RENDEZVOUS_RACE = "Local rendezvous is aborting"


def died_of_rendezvous_race(output, segfaulted=False):
    """Whether a process (or a check worker it reports on) was killed by SIGSEGV just after
    TensorFlow's local rendezvous aborted: the upstream race above, not this project's bug."""
    return (segfaulted or "killed by SIGSEGV" in output) and RENDEZVOUS_RACE in output


HEAVY_LIBRARIES = {"tensorflow", "keras", "matplotlib", "sklearn", "torch", "jax"}


def heavy_imports_after(*argvs):
    """Run CLI commands in one fresh Python (each must exit 0); the heavy libraries imported."""
    probe = (
        "import sys\n"
        "from contextlib import redirect_stderr, redirect_stdout\n"
        "from io import StringIO\n"
        "from cheatsheet.cli import main\n"
        "with redirect_stdout(StringIO()), redirect_stderr(StringIO()):\n"
        f"    for argv in {[list(argv) for argv in argvs]!r}:\n"
        "        assert main(argv) == 0, argv\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    result = run_python("-c", probe)
    assert result.returncode == 0, result.stderr
    return HEAVY_LIBRARIES & set(result.stdout.split())


# Source that gives a Python started by a test the Ctrl-C of a terminal's foreground job. A suite
# started in the background (`make test &`) hands its children SIGINT ignored, and Python keeps an
# ignored SIGINT ignored, so a test that sends SIGINT must not rely on what it inherited.
CTRL_C_AS_IN_A_TERMINAL = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n")


def blocking_imports(*roots):
    """Python source that makes `import <root>` fail as if the library were not installed."""
    return (
        "import sys\n"
        "class Blocked:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {roots!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Blocked())\n"
    )


def pytest_collection_modifyitems(config, items):
    """The top-level test modules before the card tests, each module's tests kept together.

    pytest-xdist hands tests out in this order. The top-level modules hold the longest tests
    (fresh processes, kernels, the gan picture), and at the end of the order one of them left
    a pytest worker running 10 s after the other had finished."""
    items.sort(key=lambda item: "/cards/" in item.nodeid)  # pytest's ids use "/"
