"""Run card demos: import TensorFlow once and quietly, seed, time, and judge each result.

Only `run`, `check` and `plot` come here; lookups never do, so they never pay for TensorFlow.
"""

import contextlib
import importlib
import importlib.util
import os
import sys
import time
import traceback

from .errors import CheatsheetError, MissingLibrary

# keras-cheatsheet installs no backend (the learner chooses one): an extra of this package adds
# it. pip reads the extra from the installed package, so this works however it was installed.
INSTALL_HINT = ("pip install 'keras-cheatsheet[tensorflow]' (JAX or PyTorch: the jax or torch "
                "extra, with KERAS_BACKEND=jax or torch)")
# What to pip install for an import name that a card needs, where that is not the name itself.
PACKAGE_OF = {"sklearn": "scikit-learn",
              "tensorflow": "'keras-cheatsheet[tensorflow]'",  # TensorFlow and LiteRT
              "ai_edge_litert": "'keras-cheatsheet[tensorflow]'",
              "jax": "'keras-cheatsheet[jax]'", "jaxlib": "'keras-cheatsheet[jax]'",
              "torch": "torch --index-url https://download.pytorch.org/whl/cpu",
              "genanki": "'keras-cheatsheet[anki]'", "IPython": "'keras-cheatsheet[notebook]'"}


@contextlib.contextmanager
def quiet_stderr(keep_python=False):
    """Send file descriptor 2 to /dev/null: TensorFlow's C++ start-up lines bypass Python and
    ignore TF_CPP_MIN_LOG_LEVEL ('All log messages before absl::InitializeLog()', oneDNN, CUDA).

    `keep_python`: Python's own sys.stderr (warnings, a demo's messages) still reaches the real
    stderr, as `run` wants; only what C++ libraries (TensorFlow, LiteRT) write to it is lost."""
    if sys.stderr is not None:
        sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    python_stderr = sys.stderr
    if keep_python and python_stderr is not None and is_descriptor(python_stderr, 2):
        sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1,
                               encoding=python_stderr.encoding, errors="backslashreplace")
    try:
        yield
    finally:
        if sys.stderr is not python_stderr:
            sys.stderr.close()
            sys.stderr = python_stderr
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def is_descriptor(stream, number):
    """Whether a stream writes to that file descriptor (not so for pytest's capture, say)."""
    try:
        return stream.fileno() == number
    except (AttributeError, OSError, ValueError):
        return False


# How to install each Keras backend's library: this package's extra for it; for torch, the torch
# extra's one package from PyTorch's CPU index, never a multi-GB CUDA build.
BACKEND_INSTALL = {backend: f"pip install {PACKAGE_OF[backend]}"
                   for backend in ("tensorflow", "jax", "torch")}


def choose_backend(backend):
    """Make Keras start on `backend`: KERAS_BACKEND is read once, when keras is first imported,
    so this must run before that; afterwards it can only refuse, never switch."""
    if "keras" in sys.modules:
        current = sys.modules["keras"].config.backend()
        if current != backend:
            raise CheatsheetError(f"Keras is already imported with the {current} backend; a "
                                  f"backend is chosen once, before `import keras`: run "
                                  f"KERAS_BACKEND={backend} in a fresh process")
        return
    os.environ["KERAS_BACKEND"] = backend


def chosen_backend(backend=None):
    """The backend Keras starts on, found without importing it as Keras finds it: `backend`
    (--backend), else $KERAS_BACKEND, else the config file ($KERAS_HOME or ~/.keras, then
    keras.json's "backend"), else tensorflow."""
    if backend:
        return backend
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        import json

        with open(os.path.join(home, "keras.json"), encoding="utf-8") as file:
            return json.load(file).get("backend") or "tensorflow"
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def load_keras(command="run", backend=None):
    """Import Keras 3 (and its backend) once, or explain in one line how to install it."""
    if backend is not None:
        choose_backend(backend)
    if "keras" in sys.modules:
        return sys.modules["keras"]
    started = time.perf_counter()
    if not os.environ.get("TF_CPP_MIN_LOG_LEVEL"):  # quiet the C++ logs after start-up too
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    try:
        with quiet_stderr(), optional_imports_left_for_later():
            import keras
    except ImportError as error:
        raise missing_library(command, getattr(error, "name", None) or "tensorflow") from None
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # e.g. tf.function retracing advice
    _import_seconds["keras"] = time.perf_counter() - started
    return keras


# Libraries that Keras, or TensorFlow under it, import at start-up when they are installed, for a
# feature no card's run uses: TensorFlow's TFLite module imports jax for its JAX converter (`from
# jax import jit`, 0.65 s), Keras's image gallery imports matplotlib.pyplot (0.4 s). Every Keras
# import in check's workers, run, plot and the card tests paid both.
LEFT_FOR_LATER = ("jax", "matplotlib")


@contextlib.contextmanager
def optional_imports_left_for_later():
    """Import Keras as if LEFT_FOR_LATER were not installed (a `None` in sys.modules fails
    their import), then make them importable again: `import jax` or matplotlib works as usual
    afterwards. What Keras or TensorFlow set aside stays off in this process: TFLite's JAX
    converter and keras.visualization's image gallery. One already imported is left alone, and
    jax is not held back on the JAX backend, which needs it at once."""
    held = [name for name in LEFT_FOR_LATER if name not in sys.modules
            and not (name == "jax" and chosen_backend() == "jax")]
    for name in held:
        sys.modules[name] = None
    try:
        yield
    finally:
        for name in held:
            if sys.modules.get(name, "absent") is None:
                del sys.modules[name]


# A directory whose only file is a sitecustomize.py: first on PYTHONPATH, every Python started
# there leaves LEFT_FOR_LATER for later at its first `import keras`, however that import comes.
CHILD_STARTUP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child_startup")


def keras_lean_in_processes_started_with(environment):
    """Put CHILD_STARTUP first on PYTHONPATH in `environment` (a dict of environment
    variables), once, the user's entries after it as they were: a process started with it,
    and every process it starts in turn, imports Keras as load_keras does here."""
    existing = environment.get("PYTHONPATH")
    entries = [entry for entry in (existing.split(os.pathsep) if existing else [])
               if entry != CHILD_STARTUP]
    environment["PYTHONPATH"] = os.pathsep.join([CHILD_STARTUP, *entries])


@contextlib.contextmanager
def started_processes_import_keras_lean():
    """While a demo runs for `run` or `check`, the processes it starts import Keras as this one
    did (keras_lean_in_processes_started_with); PYTHONPATH is put back after. multi-worker's
    two workers each imported Keras with jax and matplotlib in 3.7-4.4 s, against 3.1-3.3 s
    without, and `check multi-worker` took the card 4.4-5.0 s against 5.5-6.8 s (four runs
    each, ABBA order). Not for %cheat, which leaves a kernel's environment alone, nor for the
    card tests, which call the demos themselves: a learner's copy of a card starts its
    processes with the learner's environment."""
    before = os.environ.get("PYTHONPATH")
    keras_lean_in_processes_started_with(os.environ)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


class KerasImportedLean:
    """A finder on sys.meta_path (child_startup/sitecustomize.py puts it there) that runs the
    process's first `import keras`, wherever it is written (a card's own script, say), inside
    optional_imports_left_for_later(), as load_keras does; it finds nothing itself."""

    def __init__(self):
        self.finding = False

    def find_spec(self, name, path=None, target=None):
        if name != "keras" or self.finding:
            return None
        self.finding = True
        try:
            spec = importlib.util.find_spec(name)  # the finders after this one
        finally:
            self.finding = False
        exec_module = getattr(spec and spec.loader, "exec_module", None)
        if exec_module is None:
            return spec

        def exec_module_lean(module):
            with optional_imports_left_for_later():
                exec_module(module)

        spec.loader.exec_module = exec_module_lean  # this loader loads keras/__init__.py only
        return spec


def missing_library(command, missing):
    """The one-line error (MissingLibrary, exit status 2) for a Keras, or a backend library,
    that cannot be imported: it names the extra that installs it."""
    chosen = os.environ.get("KERAS_BACKEND", "tensorflow")
    if chosen != "tensorflow" and missing.split(".")[0] in (chosen, "jaxlib"):
        return MissingLibrary(f"'{command}' on the {chosen} backend needs {missing}, which "
                              f"cannot be imported: {BACKEND_INSTALL.get(chosen, '')}")
    return MissingLibrary(f"'{command}' needs TensorFlow with Keras 3, but {missing} cannot "
                          f"be imported: {INSTALL_HINT}")


def require_keras(command, backend):
    """Refuse, without importing them, when Keras or the backend's library is not installed
    (MissingLibrary): what a worker process, or a card's import, would find out only later."""
    import importlib.util

    for name in ("keras", backend):
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise missing_library(command, name)


_import_seconds = {}  # "keras" or a snippet module -> seconds its first import took


def load_card_module(card, command="run"):
    """A card's module, imported once (after Keras) from its file, the one `show` reads
    (source.snippet_path), under the private name cheatsheet._card_<module>: never `import
    snippets.<module>`, which a learner's own snippets/ package would answer.

    A process that imported the same file as snippets.<module> already (this repository's
    tests, a notebook in the repository) gets that module: one card, one module in a process,
    so what is done to it (a test's monkeypatch) is what runs."""
    from .source import snippet_path

    path = snippet_path(card)
    twin = sys.modules.get(f"snippets.{card.module}")
    if twin is not None and same_file(getattr(twin, "__file__", None), path):
        return twin
    name = f"cheatsheet._card_{card.module}"
    if name not in sys.modules:
        first = "keras" not in sys.modules  # then this card also pays for Keras, as `run` says
        load_keras(command)
        started = time.perf_counter()
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # as import does: the card's classes pickle, dataclasses work
        try:
            spec.loader.exec_module(module)
        except BaseException as error:
            del sys.modules[name]
            if not isinstance(error, ImportError):
                raise
            missing = (error.name or "").split(".")[0]
            if not missing:
                raise CheatsheetError(f"card '{card.topic}' cannot be imported: {error}") from None
            raise CheatsheetError(f"card '{card.topic}' needs {missing}, which is not "
                                  f"installed: pip install {PACKAGE_OF.get(missing, missing)}"
                                  ) from None
        _import_seconds[card.module] = (time.perf_counter() - started
                                        + (_import_seconds["keras"] if first else 0.0))
    return sys.modules[name]


def same_file(path, other):
    """Whether two paths name one existing file."""
    try:
        return path is not None and os.path.samefile(path, other)
    except OSError:
        return False


# Import names of the tensorflow extra: a card that imports one at its top needs TensorFlow
# installed on every backend (deployment: SavedModel export and LiteRT).
TENSORFLOW_EXTRA = ("tensorflow", "ai_edge_litert")


def needs_absent_tensorflow(card, backend):
    """For `check` on JAX or PyTorch without TensorFlow installed: the result of a card whose
    file imports TensorFlow at its top, not run, with its reason (as unsupported() gives);
    None for any other card, or where TensorFlow is installed."""
    if backend == "tensorflow" or tensorflow_installed():
        return None
    from .source import top_level_imports

    if not set(TENSORFLOW_EXTRA) & top_level_imports(card):
        return None
    return {"topic": card.topic, "title": card.title, "status": "not supported",
            "reason": f"needs TensorFlow installed, on {backend} too: pip install "
                      f"{PACKAGE_OF['tensorflow']}",
            "seconds": {"import": 0.0, "total": 0.0}}


def tensorflow_installed():
    """Whether `import tensorflow` can find it, without importing it."""
    try:
        return importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):
        return False


def unsupported(card, backend):
    """The result of a card on a backend it does not declare: not run, with its reason."""
    return {"topic": card.topic, "title": card.title, "status": "not supported",
            "reason": dict(card.unsupported).get(backend, "not declared"),
            "seconds": {"import": 0.0, "total": 0.0}}


def run_card(card, seed=0, verbose=0, quiet=False, quick=True):
    """Run one card's demo and return a plain result dict (never raises for a failing card).

    `quiet` hides what the demo's libraries print on stderr (LiteRT's C++ INFO lines, say):
    `check` wants one table, and a failure still reaches it as the result's error. `run` passes
    quiet="c++": the C++ lines go, Python's own warnings stay. `quick`: the demo runs with
    quick_tensorflow(), and the processes it starts import Keras without LEFT_FOR_LATER
    (started_processes_import_keras_lean), as the CLI's commands want; a Jupyter kernel's
    %cheat keeps its own settings.
    """
    result = {"topic": card.topic, "title": card.title}
    try:
        module = load_card_module(card)
    except CheatsheetError as error:  # one card's missing library: `check` goes on
        result.update(status="error", error=str(error), seconds={"import": 0.0, "total": 0.0})
        return result
    imported = _import_seconds.get(card.module, 0.0)
    started = time.perf_counter()
    try:
        with contextlib.ExitStack() as settings:
            if quiet:
                settings.enter_context(quiet_stderr(keep_python=quiet == "c++"))
            if quick:
                settings.enter_context(quick_tensorflow())
                settings.enter_context(started_processes_import_keras_lean())
            outcome = module.demo(seed=seed, verbose=verbose)
    except Exception as error:  # a broken card: report it and let `check` go on
        result.update(status="error", error=f"{type(error).__name__}: {error}",
                      where=traceback.format_exc(limit=-1).strip().splitlines()[-3:],
                      seconds={"import": imported,
                               "total": imported + time.perf_counter() - started})
        return result
    ran = time.perf_counter() - started
    met = (outcome["value"] >= outcome["target"] if outcome["higher_is_better"]
           else outcome["value"] <= outcome["target"])
    result.update(
        status="ok" if met else "missed",
        metric=outcome["metric"],
        value=float(outcome["value"]),
        target=outcome["target"],
        higher_is_better=outcome["higher_is_better"],
        params=outcome.get("params"),
        seconds={
            "import": imported,
            "build": outcome.get("build_seconds", 0.0),
            "train": outcome.get("train_seconds", 0.0),
            "total": imported + ran,
        },
        history=outcome.get("history"),
        outcome=outcome,
    )
    return result


@contextlib.contextmanager
def quick_tensorflow():
    """While a demo runs, TensorFlow's graph optimiser (Grappler) off on the TensorFlow backend,
    and tf.data untuned on any (untuned_datasets); both as they were after.

    Grappler rewrites each graph function when it is first run, tf.data's functions each
    time an epoch makes its iterator. For models of a few thousand weights its passes cost
    more than they save: on 2 cores the 30 TensorFlow demos took 37.9-44.2 s in one process
    with it and 32.0-36.2 s without (four runs each). Figures stay within their targets
    either way, on seeds 0-4 (bench/margins.py runs check, so this way); a chaotic one can
    move (gan's distance at seed 0: 0.124 with it, 0.108 without). The options come back, so
    a process that goes on (a test's, a notebook's) keeps its own.
    """
    keras = sys.modules.get("keras")
    if keras is None or keras.config.backend() != "tensorflow":
        with untuned_datasets():  # a JAX or PyTorch demo may still feed fit from tf.data
            yield
        return
    import tensorflow as tf

    before = tf.config.optimizer.get_experimental_options().get("disable_meta_optimizer", False)
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    try:
        with untuned_datasets():
            yield
    finally:
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": before})


@contextlib.contextmanager
def untuned_datasets():
    """tf.data's autotuning off, in the block, for every dataset that leaves it unset: iterating
    one iterates it with the option off. Nothing is done if TensorFlow is not loaded.

    Autotuning starts a thread for every iterator, and ending the iterator waits for that
    thread. On a busy core, as each of check's workers' is, the thread sleeps out its timer
    (about 17 ms): it wakes for the cancel before TensorFlow 2.21 marks the iterator cancelled,
    and waits again. fit() ends two iterators an epoch: the 30 demos in one process on one
    core took 35.8 s with autotuning (30.4 s of CPU) and 28.2 s without (28.1 s). It tunes
    buffer sizes and parallelism, never what the data are or their order: every card's check
    figure came out the same to the last digit. The card tests run this way too.
    """
    tf = sys.modules.get("tensorflow")
    if tf is None:
        yield
        return
    iterate = tf.data.Dataset.__iter__
    untuned = tf.data.Options()
    untuned.autotune.enabled = False

    def iterate_untuned(dataset):
        if dataset.options().autotune.enabled is None:  # a dataset's own choice stands
            dataset = dataset.with_options(untuned)
        return iterate(dataset)

    tf.data.Dataset.__iter__ = iterate_untuned
    try:
        yield
    finally:
        tf.data.Dataset.__iter__ = iterate


def prepare(cards):
    """Call each card's optional `prepare()` before the backend starts its devices.

    A card that must shape the process first defines it (distributed splits the CPU into two
    logical devices); `check` prepares every card before the first one runs, so each runs as
    it would on its own. A card that cannot be imported is left to run_card to report."""
    for card in cards:
        try:
            module = load_card_module(card)
        except CheatsheetError as error:
            if "TensorFlow" in str(error):
                raise
            continue
        if hasattr(module, "prepare"):
            module.prepare()


def figure_line(result):
    """`held-out accuracy 0.985 (target >= 0.97)`."""
    if result["status"] == "error":
        return result["error"]
    if result["status"] == "not supported":
        return result["reason"]
    return (f"{result['metric']} {format_number(result['value'])} "
            f"(target {'>=' if result['higher_is_better'] else '<='} "
            f"{format_number(result['target'], digits=None)})")


def format_number(value, digits=3):
    """3 decimals for a measured figure (0.982, 1.000); `digits=None` for a target (0.97)."""
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        return f"{value:.2e}"
    return f"{value:.4g}" if digits is None else f"{value:.{digits}f}"


# The oldest Keras every card runs on (pyproject.toml declares the same): 3.15 fixed
# train_on_batch's running-average loss, which diagnostics' one-batch overfit needs.
KERAS_MINIMUM = "3.15"


def below_minimum(version, minimum=KERAS_MINIMUM):
    """True when a version string such as "3.10.0" or "3.9.2.dev0" is older than `minimum`."""
    import re

    def numbers(text):
        return tuple(int(part) for part in re.findall(r"\d+", text)[:2])

    return numbers(version) < numbers(minimum)


def environment():
    """Versions, backend and devices, for the `check` header."""
    keras = load_keras("check")
    info = {
        "import_seconds": _import_seconds.get("keras", 0.0),
        "python": sys.version.split()[0],
        "keras": keras.__version__,
        "keras_minimum": KERAS_MINIMUM,
        "keras_below_minimum": below_minimum(keras.__version__),
        "backend": keras.config.backend(),
        "devices": devices(keras),
    }
    if info["backend"] == "tensorflow":
        tf = sys.modules["tensorflow"]
        info["tensorflow"] = tf.__version__
        # A card's prepare() may split one physical device into several logical ones.
        info["physical_devices"] = [device.name.removeprefix("/physical_device:").lower()
                                    for device in tf.config.list_physical_devices()]
    elif info["backend"] in ("jax", "torch"):
        info[info["backend"]] = sys.modules[info["backend"]].__version__
    return info


def devices(keras):
    """The backend's devices as keras.distribution names them ('cpu:0'); on torch, where
    keras.distribution has no implementation (list_devices raises), the same names from torch."""
    if keras.config.backend() != "torch":
        return keras.distribution.list_devices()
    torch = sys.modules["torch"]
    return [f"cuda:{index}" for index in range(torch.cuda.device_count())] or ["cpu:0"]


def json_ready(result):
    """The result without the raw demo outcome (it may hold arrays)."""
    return {key: value for key, value in result.items() if key != "outcome"}
