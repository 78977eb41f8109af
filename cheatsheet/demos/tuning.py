"""What `check` does to its own processes to run the cards sooner, and where nothing else does.

`check` runs the cards in worker processes of its own (workers.py), or with `--jobs 1` in its
own process. Those processes, and only those, are tuned as `describe()` lists, and check's
header says so ("tuned: ..."). `check --as-written` runs every card in check's own process with
none of it, as `python snippets/<card>.py` runs a card. `run`, `plot`, `copy`, `%cheat` and a
learner's copied script never come here: they run a card as its file is written (the test
suite's runner of copied scripts, tests/script_runner.py, borrows it for its own process).
None of the tuning changes what a card computes beyond float rounding; bench/README.md has the
figures behind each item.
"""

import contextlib
import gc
import os
import sys

# Each worker's share of the cores for OpenMP threads (PyTorch's): idle OpenMP threads spin, so
# two workers with a thread per core each starve one another.
THREADS = "OMP_NUM_THREADS"
# XLA (JAX's compiler; TensorFlow's on a GPU) at LLVM optimisation level 0: the demos' models are
# tiny, and XLA spent longer compiling their code than running it.
QUICK_XLA_COMPILE = "--xla_backend_optimization_level=0"
# JAX's CPU fusions emitted the older, quicker way. XLA aborts the process on a flag it does not
# know, so this one goes only to JAX workers, on the jaxlib releases it was measured on.
QUICK_JAX_CPU_COMPILE = {"0.10": "--xla_cpu_use_fusion_emitters=false"}


def threads_per_worker(count):
    """Each of `count` workers' share of the cores for its OpenMP threads."""
    return max(1, (os.cpu_count() or 1) // count)


def xla_flags(backend):
    """XLA_FLAGS for a worker on `backend`: the quick LLVM level everywhere, and on JAX the
    quick fusions too where this jaxlib is known to accept the flag."""
    flags = [QUICK_XLA_COMPILE]
    if backend == "jax":
        import importlib.metadata

        try:
            release = ".".join(importlib.metadata.version("jaxlib").split(".")[:2])
        except importlib.metadata.PackageNotFoundError:
            release = None
        if release in QUICK_JAX_CPU_COMPILE:
            flags.append(QUICK_JAX_CPU_COMPILE[release])
    return " ".join(flags)


def worker_environment(environment, threads, backend=None):
    """Set a worker's environment variables in `environment` (a dict), for check's workers and
    pytest-xdist's alike: its share of the cores for OpenMP threads and XLA's quick compile for
    its Keras backend (`backend`, else the environment's KERAS_BACKEND). A value the user set
    wins. TensorFlow's C++ start-up logs stay out of the worker's stderr, which check keeps
    for a card that crashes."""
    if threads:
        environment.setdefault(THREADS, str(threads))
    environment.setdefault("XLA_FLAGS", xla_flags(backend or environment.get("KERAS_BACKEND")))
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return environment


def describe(jobs, backend, environment=None):
    """check's header line: every tuning check applies, or that it applies none. `environment`:
    a worker's environment variables, whose values (the user's, where set) the line reports."""
    if jobs is None:
        return "as written: every card in this process, with nothing tuned"
    where = f"{jobs} worker processes" if jobs > 1 else "this process"
    items = [where]
    if jobs > 1:
        environment = environment or worker_environment({}, threads_per_worker(jobs), backend)
        items.append(f"{THREADS}={environment.get(THREADS, 'unset')} each")
        items.append(f"XLA_FLAGS={environment.get('XLA_FLAGS', '')}")
    if backend == "tensorflow":
        items.append("Grappler off")
    items += ["tf.data autotune off", "gc.freeze() after the Keras import"]
    return "tuned: " + ", ".join(items) + " (--as-written: none of it)"


@contextlib.contextmanager
def tuned_demo():
    """While a demo runs in one of check's processes: TensorFlow's graph optimiser (Grappler)
    off on the TensorFlow backend, and tf.data untuned on any (untuned_datasets); both as they
    were after. Grappler's passes cost more than they save on models of a few thousand weights;
    a chaotic figure can move with it (gan's distance), within its target either way."""
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
    """tf.data's autotuning off, in the block, for every dataset that leaves it unset. Nothing
    is done if TensorFlow is not loaded.

    Autotuning starts a thread for every iterator, and ending the iterator waits for that
    thread; on a busy core the thread sleeps out its timer first, twice an epoch. It tunes
    buffer sizes and parallelism, never what the data are or their order."""
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


def settle_after_import(keras):
    """Once Keras is imported in a check process: seed once (every demo's set_random_seed
    imports TensorFlow wherever it is installed, on any backend), then freeze the objects made
    so far, so that Python's full garbage collections skip Keras's and TensorFlow's
    ~430,000 objects."""
    keras.utils.set_random_seed(0)
    gc.freeze()


@contextlib.contextmanager
def quiet_stderr(keep_python=False):
    """Send file descriptor 2 to /dev/null in the block: what C++ libraries (TensorFlow's
    start-up, LiteRT's INFO lines) write there bypasses Python and would break check's table
    when it runs the cards in its own process (`--jobs 1`). `keep_python`: Python's own
    sys.stderr (warnings) still reaches the real stderr."""
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
