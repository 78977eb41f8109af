"""`check --jobs N`: cards run in N worker processes that each import Keras once.

Most of a card's time is Python and graph tracing on one core, so two cards run side by side
on two cores in about the time of one. A worker is `python -m cheatsheet.workers [TOPIC ...]`:
it imports Keras (on $KERAS_BACKEND), calls the named cards' prepare(), answers one JSON line
with its environment, then one JSON line per topic it reads on stdin. The parent hands each
idle worker the next card, prints results in the card order, and owns every worker: they run
in their own session (a Ctrl-C reaches only the parent), and the parent kills them on any way
out, so no process outlives `check`. Cards in ALONE need the whole machine: they run last,
alone, in the first worker, the only one that prepared them when it started.
"""

import gc
import json
import os
import selectors
import signal
import subprocess
import sys

# Cards that start processes or split the devices of their own: they run alone, after the
# others, in a worker whose prepare() for them came before Keras's first op.
ALONE = frozenset({"distributed", "multi-worker"})
MAX_DEFAULT_JOBS = 4  # each worker holds its own Keras, ~0.6 GiB: more cores, not more memory
# XLA (JAX's compiler; TensorFlow's on a GPU) at LLVM optimisation level 0. The demos' models
# are tiny: XLA spent longer compiling their code than running it. On 2 cores, `check
# --backend jax` took 91 s with XLA's defaults, 58 s at level 0, and 41 s when JAX's CPU
# fusions are also emitted the older, quicker way; the cards' figures stay within their targets.
QUICK_XLA_COMPILE = "--xla_backend_optimization_level=0"
# XLA aborts the process on a flag it does not know, so this one goes only to JAX workers, on
# the jaxlib releases it was measured on (major.minor).
QUICK_JAX_CPU_COMPILE = {"0.10": "--xla_cpu_use_fusion_emitters=false"}


def default_jobs():
    """Workers for `check` by default: one per core, at most MAX_DEFAULT_JOBS."""
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))


class WorkerError(Exception):
    """A worker that could not start, or stopped before it answered."""


class Worker:
    """One worker process and its protocol pipes."""

    def __init__(self, backend=None, prepare=(), threads=None):
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        environment = dict(os.environ)
        set_worker_defaults(environment, threads, backend)
        environment["PYTHONPATH"] = os.pathsep.join(
            [package_root, *filter(None, [environment.get("PYTHONPATH")])])
        if backend:
            environment["KERAS_BACKEND"] = backend
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cheatsheet.workers", *prepare],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", env=environment, start_new_session=True)
        self.topic = None  # the card it is running

    def send(self, topic, seed):
        self.topic = topic
        self.process.stdin.write(json.dumps({"topic": topic, "seed": seed}) + "\n")
        self.process.stdin.flush()

    def receive(self):
        """The worker's next answer, or WorkerError if it stopped instead."""
        line = self.process.stdout.readline()
        if not line:
            status = self.process.wait()
            raise WorkerError(f"the worker process stopped (exit status {status})")
        return json.loads(line)

    def stop(self):
        """End the worker, politely if it is idle, by force if not; reap it either way."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()  # an idle worker exits at the end of its input
                self.process.wait(timeout=0 if self.topic else 5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


def threads_per_worker(count):
    """Each worker's share of the cores for its OpenMP threads (PyTorch's). Idle OpenMP threads
    spin, so two workers with a thread per core each starve one another: on 2 cores, `check
    --backend torch --jobs 2 gru rnn` took gru from 0.3 s to 44 s, and 2.2 s with one apiece.
    TensorFlow's threads are left alone: one apiece within an op (TF_NUM_INTRAOP_THREADS=1)
    made no difference beyond noise to `check` (30.4 s against 30.5 s, median of three each),
    and one apiece to run a graph's ops (TF_NUM_INTEROP_THREADS=1) was no quicker either: run
    in ABBA order, 29.8-36.3 s (median 33.5) against 29.8-34.9 s (median 30.7)."""
    return max(1, (os.cpu_count() or 1) // count)


def set_worker_defaults(environment, threads, backend=None):
    """A worker's defaults in `environment` (a dict of environment variables), for check's
    workers and pytest-xdist's alike: its share of the cores for OpenMP threads
    (threads_per_worker says why) and XLA's quick compile for its Keras backend (`backend`,
    else the environment's KERAS_BACKEND). A value the user set wins."""
    if threads:
        environment.setdefault("OMP_NUM_THREADS", str(threads))
    environment.setdefault("XLA_FLAGS", xla_flags(backend or environment.get("KERAS_BACKEND")))


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


def start(backend=None, prepare=(), count=1, threads=None):
    """`count` ready workers and the environment the first reports; WorkerError if one cannot
    start. They import Keras side by side: all are started before any answer is awaited. Only
    the first prepares the cards named by `prepare`: distributed's prepare() splits the CPU
    into two logical devices, and the other demos ran 5-13% slower in a process split so (all
    32 in one process, beside a process running them unsplit: four pairs, all slower)."""
    started = []
    threads = threads or threads_per_worker(count)
    try:
        for number in range(count):
            started.append(Worker(backend, prepare if number == 0 else (), threads))
        answers = [worker.receive() for worker in started]
    except BaseException:
        for worker in started:
            worker.stop()
        raise
    errors = [answer["error"] for answer in answers if "error" in answer]
    if errors:
        for worker in started:
            worker.stop()
        raise WorkerError(errors[0])
    return started, answers[0]["environment"]


def run(topics, jobs, backend=None, seed=0, on_environment=None, on_result=None):
    """Run the cards named by `topics` (in that order) in `jobs` workers; [result] in order.

    `on_environment(environment)` is called once the workers are up (the check header),
    `on_result(result)` for each result in order as soon as all before it are in.
    """
    parallel = [topic for topic in topics if topic not in ALONE]
    alone = [topic for topic in topics if topic in ALONE]
    results, printed, workers = {}, [0], []

    def done(topic, result):
        results[topic] = result
        while printed[0] < len(topics) and topics[printed[0]] in results:
            if on_result is not None:
                on_result(results[topics[printed[0]]])
            printed[0] += 1

    try:
        # The first worker prepares the ALONE cards (before Keras's first op) and runs them at
        # the end, without importing Keras again; it takes its share of the others till then.
        count = max(1, min(jobs, len(parallel)))
        threads = threads_per_worker(count)  # replacements get the same share
        started, environment = start(backend, prepare=alone, count=count, threads=threads)
        workers += started
        if on_environment is not None:
            on_environment(environment)
        if parallel:
            _run_parallel(workers, parallel, backend, seed, done, threads=threads)
        for worker in [worker for worker in workers if worker is not started[0] or not alone]:
            workers.remove(worker)  # nothing may run beside the ALONE cards
            worker.stop()
        for topic in alone:
            if not workers:  # the prepared one crashed
                workers += start(backend, prepare=alone, threads=threads)[0]
            worker = workers[0]
            try:
                worker.send(topic, seed)
                result = worker.receive()
                worker.topic = None
                done(topic, result)
            except WorkerError as error:
                done(topic, lost(topic, error))
                workers.pop().stop()
    finally:
        for worker in workers:
            worker.stop()
    return [results[topic] for topic in topics]


def _run_parallel(workers, topics, backend, seed, done, threads=None):
    waiting = list(topics)
    selector = selectors.DefaultSelector()
    try:
        for worker in workers:
            selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
            worker.send(waiting.pop(0), seed)
            if not waiting:
                break
        busy = sum(worker.topic is not None for worker in workers)
        while busy:
            for key, _ in selector.select():
                worker = key.data
                topic = worker.topic
                try:
                    done(topic, worker.receive())
                except WorkerError as error:  # a crashed card: report it, go on with a new one
                    done(topic, lost(topic, error))
                    selector.unregister(worker.process.stdout)
                    worker.topic = None
                    worker.stop()
                    workers.remove(worker)
                    busy -= 1
                    if waiting:
                        (worker,), _ = start(backend, threads=threads)
                        workers.append(worker)
                        selector.register(worker.process.stdout, selectors.EVENT_READ, worker)
                        worker.send(waiting.pop(0), seed)
                        busy += 1
                    continue
                worker.topic = None
                if waiting:
                    worker.send(waiting.pop(0), seed)
                else:
                    busy -= 1
    finally:
        selector.close()


def lost(topic, error):
    """The result of a card whose worker stopped under it."""
    from . import index

    card = index.find(topic)
    return {"topic": topic, "title": card.title if card else topic, "status": "error",
            "error": str(error), "seconds": {"import": 0.0, "total": 0.0}}


def serve(prepare_topics):
    """The worker's side: Keras once, then one card per line of stdin, one JSON line back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker ends
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # what a demo prints must not mix with the answers

    def answer(value):  # NumPy scalars as Python numbers, anything else as its text
        answers.write(json.dumps(value, default=lambda item: item.item()
                                 if hasattr(item, "item") else str(item)) + "\n")

    from . import index, runner
    from .errors import CheatsheetError

    try:
        keras = runner.load_keras("check")
        runner.prepare([index.find(topic) for topic in prepare_topics])
        answer({"environment": runner.environment()})
        # Every demo first calls keras.utils.set_random_seed, which imports TensorFlow wherever
        # it is installed, on any backend (to seed tf.data): on JAX and PyTorch, here instead,
        # so that gc.freeze() covers it too.
        keras.utils.set_random_seed(0)
        # Python's full garbage collections walked Keras's and TensorFlow's ~430,000 objects
        # each time; frozen, they are skipped: 1.4 s of 32 demos' collections became 0.5 s.
        gc.freeze()
    except CheatsheetError as error:
        answer({"error": str(error)})
        return 1
    for line in sys.stdin:
        request = json.loads(line)
        result = runner.run_card(index.find(request["topic"]), seed=request["seed"], quiet=True)
        answer({key: value for key, value in runner.json_ready(result).items()
                if key != "history"})
    return 0


if __name__ == "__main__":
    status = serve(sys.argv[1:])
    # Every answer is written (line-buffered) and every card has cleaned up after itself, so
    # skip Python's teardown of TensorFlow: it took 1.1 s, which check spent waiting, twice.
    os._exit(status)
