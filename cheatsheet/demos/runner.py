"""Run card demos: import Keras once, run a card's demo, time it, and judge its figure.

Only `run`, `check`, `plot` and %cheat come here; lookups never do, so they never pay for Keras.
A demo runs as its card's file is written; only check's own processes tune it (tuning.py).
"""

import contextlib
import importlib
import importlib.util
import os
import sys
import time
import traceback

from ..errors import CheatsheetError, MissingLibrary

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
    """Import Keras 3 (and its backend) once, as a learner's script does, or explain in one
    line why it cannot be imported."""
    if backend is not None:
        choose_backend(backend)
    if "keras" in sys.modules:
        return sys.modules["keras"]
    started = time.perf_counter()
    try:
        import keras
    except ModuleNotFoundError as error:  # Keras or its backend's library is not installed
        raise missing_library(command, error.name or "tensorflow") from None
    except ImportError as error:  # installed, but broken (a shared library missing, say)
        raise CheatsheetError(f"'{command}' cannot import Keras: {import_reason(error)}") from None
    _import_seconds["keras"] = time.perf_counter() - started
    return keras


def import_reason(error):
    """The line of an ImportError that says why: TensorFlow's own message spans many lines (a
    traceback of its native runtime, then advice), and names the missing library on one."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    return next((line for line in reversed(lines) if "Error:" in line), lines[0])


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
    from ..cards.source import snippet_path

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
    from ..cards.source import top_level_imports

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


def run_card(card, seed=0, verbose=0, tuned=False, quiet=False):
    """Run one card's demo and return a plain result dict (never raises for a failing card).

    `tuned`: the demo runs inside tuning.tuned_demo(), as check's own processes run it; `run`,
    `plot` and %cheat leave it False and run the card as its file is written. `quiet` hides
    what C++ libraries print on stderr (check's table, in check's own process).
    """
    from . import tuning

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
                settings.enter_context(tuning.quiet_stderr())
            if tuned:
                settings.enter_context(tuning.tuned_demo())
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
        seconds={"import": imported, "demo": ran, "total": imported + ran},
        history=outcome.get("history"),
        outcome=outcome,
    )
    return result


def prepare(cards):
    """Call each card's optional `prepare()` before the backend starts its devices.

    A card that must shape the process first defines it (distributed splits the CPU into two
    logical devices); `check` prepares every card before the first one runs, so each runs as
    it would on its own. A card that cannot be imported is left to run_card to report; a Keras
    that cannot be imported is this one line of error, before any output."""
    for card in cards:
        try:
            module = load_card_module(card)
        except CheatsheetError:
            if "keras" not in sys.modules:  # Keras itself failed: no card can run
                raise
            continue  # the card's own library is missing: its row says so
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
