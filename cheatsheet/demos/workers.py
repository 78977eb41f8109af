"""`check --jobs N`: cards run in N worker processes that each import Keras once.

Most of a card's time is Python and graph tracing on one core, so two cards run side by side
on two cores in about the time of one. A worker is `python -m cheatsheet.demos.workers [TOPIC ...]`:
it imports Keras (on $KERAS_BACKEND), calls the named cards' prepare(), answers one JSON line
with its environment, then one JSON line per topic it reads on stdin. The parent hands each
idle worker the next card, prints results in the card order, and owns every worker: they run
in their own session (a Ctrl-C reaches only the parent), and the parent kills them on any way
out, so no process outlives `check`. Cards in ALONE need the whole machine: they run last,
alone, in the first worker, the only one that prepared them when it started.
"""

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile

from . import tuning

# Cards that start processes or split the devices of their own: they run alone, after the
# others, in a worker whose prepare() for them came before Keras's first op.
ALONE = frozenset({"distributed", "multi-worker"})
MAX_DEFAULT_JOBS = 4  # each worker holds its own Keras, ~0.6 GiB: more cores, not more memory
# The last lines of a crashed worker's stderr that its row shows: an XLA abort, a missing shared
# library, a fatal TensorFlow check.
STDERR_LINES = 8


def default_jobs():
    """Workers for `check` by default: one per core, at most MAX_DEFAULT_JOBS."""
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_JOBS))


class WorkerError(Exception):
    """A worker that could not start, or stopped before it answered; `stderr` holds the last
    lines it wrote there."""

    def __init__(self, message, stderr=()):
        super().__init__(message)
        self.stderr = list(stderr)


class Worker:
    """One worker process and its protocol pipes."""

    def __init__(self, backend=None, prepare=(), threads=None):
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        environment = tuning.worker_environment(dict(os.environ), threads, backend)
        environment["PYTHONPATH"] = os.pathsep.join(
            [package_root, *filter(None, [environment.get("PYTHONPATH")])])
        if backend:
            environment["KERAS_BACKEND"] = backend
        # Its stderr goes to a file of its own, kept for a card that crashes the process.
        self.environment = environment  # what check's header reports of its tuning
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cheatsheet.demos.workers", *prepare],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
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
            raise WorkerError(stopped(self.process.wait()), self.stderr_tail())
        return json.loads(line)

    def stderr_tail(self, lines=STDERR_LINES):
        """The last lines the worker wrote to its stderr (TensorFlow's own reason, say)."""
        # pread: the worker shares this file's offset, which a seek here would move
        descriptor = self.stderr.fileno()
        text = os.pread(descriptor, os.fstat(descriptor).st_size, 0).decode("utf-8", "replace")
        return [line.rstrip() for line in text.splitlines() if line.strip()][-lines:]

    def stop(self):
        """End the worker, politely if it is idle, by force if not; reap it either way."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()  # an idle worker exits at the end of its input
                self.process.wait(timeout=0 if self.topic else 5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.stderr):
            try:
                stream.close()
            except OSError:
                pass


def stopped(status):
    """What a worker's exit status says: a signal by name (SIGKILL is what the kernel's
    out-of-memory killer sends; SIGABRT, an abort such as XLA's on a flag it does not know)."""
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the worker process was killed by {name}{hint}"
    return f"the worker process stopped (exit status {status})"


def start(backend=None, prepare=(), count=1, threads=None):
    """`count` ready workers and the environment the first reports; WorkerError if one cannot
    start. They import Keras side by side: all are started before any answer is awaited. Only
    the first prepares the cards named by `prepare`: distributed's prepare() splits the CPU
    into two logical devices, and the other demos ran 5-13% slower in a process split so (all
    32 in one process, beside a process running them unsplit: four pairs, all slower)."""
    started = []
    threads = threads or tuning.threads_per_worker(count)
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
    environment = answers[0]["environment"]
    environment["tuning"] = tuning.describe(count, environment["backend"],
                                            getattr(started[0], "environment", None))
    return started, environment


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
        threads = tuning.threads_per_worker(count)  # replacements get the same share
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
    """The result of a card whose worker stopped under it, with the last lines of its stderr."""
    from ..cards import index

    card = index.find(topic)
    return {"topic": topic, "title": card.title if card else topic, "status": "error",
            "error": str(error), "stderr": error.stderr,
            "seconds": {"import": 0.0, "total": 0.0}}


def serve(prepare_topics):
    """The worker's side: Keras once, then one card per line of stdin, one JSON line back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a worker ends
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # what a demo prints must not mix with the answers

    def answer(value):  # NumPy scalars as Python numbers, anything else as its text
        answers.write(json.dumps(value, default=lambda item: item.item()
                                 if hasattr(item, "item") else str(item)) + "\n")

    from ..cards import index
    from ..errors import CheatsheetError
    from . import runner

    try:
        keras = runner.load_keras("check")
        runner.prepare([index.find(topic) for topic in prepare_topics])
        answer({"environment": runner.environment()})
        tuning.settle_after_import(keras)
    except CheatsheetError as error:
        answer({"error": str(error)})
        return 1
    for line in sys.stdin:
        request = json.loads(line)
        result = runner.run_card(index.find(request["topic"]), seed=request["seed"], tuned=True)
        answer({key: value for key, value in runner.json_ready(result).items()
                if key != "history"})
    return 0


if __name__ == "__main__":
    status = serve(sys.argv[1:])
    # Every answer is written (line-buffered) and every card has cleaned up after itself, so
    # skip Python's teardown of TensorFlow: it took 1.1 s, which check spent waiting, twice.
    os._exit(status)
