"""
Title: Multi-worker training
Description: Two worker processes train one model: TF_CONFIG on TensorFlow, jax.distributed on JAX.
Section: Diagnostics and deployment
Aliases: multiworker, multi-worker-mirrored-strategy, tf-config, multi-machine, cluster,
    jax-distributed
Use when: train on several machines, cluster training, tf config, workers, multiple processes,
    scale out training beyond one machine, jax distributed initialize
See also: distributed, deployment
Functions: tf_config, jax_config, free_ports, wait_for_worker_0, start_workers, stop_workers,
    shard_of_each_batch, train, rows_of_each_batch, train_jax, train_worker
Backends: tensorflow, jax; not torch: Keras 3.15 has no multi-process engine for torch
    (tf.distribute trains TensorFlow variables only, keras.distribution is implemented for JAX)

## Note

MultiWorkerMirroredStrategy is MirroredStrategy across processes: every worker runs the same
script and builds the same model under strategy.scope(), and each step an all-reduce over the
network sums the workers' gradients, so every worker takes the same step. Each process learns
the cluster and its own place in it from the TF_CONFIG environment variable, a JSON object:
{"cluster": {"worker": ["host0:port", "host1:port"]}, "task": {"type": "worker", "index": i}}.
The list is the same for every worker; only the index differs (worker 0 is the chief, the one
that should write checkpoints and logs). On the JAX backend each process instead calls
jax.distributed.initialize(coordinator_address="host0:port", num_processes=2, process_id=i)
before its first JAX op: process 0 serves the coordinator at that address, the others connect to
it, and then jax.devices() lists every process's devices; keras.distribution.DataParallel over
them makes an ordinary fit() average the gradients across processes (on CPU through gloo, JAX's
default CPU collectives). The demo starts two worker processes on this machine, talking over
127.0.0.1, on free ports found by binding to port 0, and worker 1 joins only once worker 0
listens. Each worker takes its 32 rows of every global batch of 64. On TensorFlow it scales its
loss by the global batch, so the summed gradients are those of the whole batch's mean, and it
trains with a custom loop (strategy.run), because Keras 3's fit() fails under this strategy; on
JAX it calls fit(batch_size=32) on its rows and Keras assembles the global batch of 64 from the
processes' shares. Either way the loss of each epoch equals one process's on the same global
batches (within 1e-5). On several machines the same code runs unchanged: on TensorFlow list
every machine's "host:port" in the worker list and give each machine its own index; on JAX give
every machine machine 0's "host:port" as the coordinator and its own process_id (a port open
between them); the demo ran only on one machine. Its workers share two cores and each imports
Keras, so it shows the mechanics, not a speed-up.

## Pitfalls

- `model.fit` under MultiWorkerMirroredStrategy with two or more workers fails in Keras 3
  (ValueError: "Attempt to convert a value (PerReplica...)", keras-team/keras#20585): train
  with a custom loop, `strategy.run` inside a `tf.function`.
- Each replica's loss is its rows' loss summed over the *global* batch size: the all-reduce
  sums gradients, so a per-worker mean would take steps twice too large with two workers.
- On JAX, fit on NumPy arrays under DataParallel in several processes raises ValueError ("the
  data must be provided as a `tf.data.Dataset`") unless `auto_shard_dataset=False`: then each
  process passes its own rows, and fit's `batch_size` is its share of the global batch.
- Workers listen wider than the addresses you give: TensorFlow's on every interface
  (`[::]:port`) whatever TF_CONFIG says, and so does JAX's coordinator unless
  `jax.distributed.initialize` gets `coordinator_bind_address` (the demo binds it to
  127.0.0.1); on a shared network, firewall the ports. `keras.distribution.initialize()` makes
  JAX's call without it, and its seeding imports TensorFlow where installed (seconds per
  worker), so the demo calls JAX directly.
- The strategy waits for every worker in TF_CONFIG, so one that crashed leaves the others
  hanging: give them a timeout and stop the whole process group on success, failure and
  Ctrl-C (the demo does all three).
- A port already in use makes a worker fail; the demo checks its ports first and says which.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import keras
import numpy as np


class WorkerError(RuntimeError):
    """A worker that could not start, failed or timed out: one line saying which and why."""


def tf_config(ports, index, host="127.0.0.1"):
    """TF_CONFIG for worker `index` of a cluster with one worker per port on `host`.

    On real machines, list "hostname:port" for every machine instead; the list is the same on
    each, only task.index differs."""
    return json.dumps({"cluster": {"worker": [f"{host}:{port}" for port in ports]},
                       "task": {"type": "worker", "index": index}})


def jax_config(ports, index, host="127.0.0.1"):
    """jax.distributed.initialize's arguments for process `index`: the coordinator is process 0's
    address (JAX needs only that one port; the others are left free).

    On real machines, give every process machine 0's "hostname:port"; only process_id differs."""
    return {"coordinator_address": f"{host}:{ports[0]}", "num_processes": len(ports),
            "process_id": index}


def worker_environment(ports, index):
    """What worker `index` finds in its environment: its place in the cluster (TF_CONFIG, which
    the strategy reads, or JAX_CLUSTER, jax_config's JSON, a name of this card's own that
    train_worker reads), CPU only, and this process's Keras backend."""
    backend = keras.config.backend()
    place = ({"JAX_CLUSTER": json.dumps(jax_config(ports, index)), "JAX_PLATFORMS": "cpu"}
             if backend == "jax" else {"TF_CONFIG": tf_config(ports, index)})
    return {**os.environ, **place, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
            "CUDA_VISIBLE_DEVICES": ""}


def free_ports(count, host="127.0.0.1"):
    """`count` ports the system calls free now: bind to port 0 and read which one it gave."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))  # held together so the count are distinct
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def check_port_free(port, host="127.0.0.1"):
    """Raise WorkerError in one line if something already listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as error:
            raise WorkerError(f"port {host}:{port} is in use ({error.strerror}); pick another "
                              f"or leave ports=None for free ones") from None


def wait_for_worker_0(address, timeout=60.0):
    """Return once `address` ("host:port", worker 0's) accepts a TCP connection; WorkerError
    after `timeout` seconds. The other workers call it before they join the cluster: one that
    dials worker 0 before it listens is refused, and is retried only about a second later."""
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, int(port)), timeout=1.0):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise WorkerError(f"worker 0 did not listen on {address} within {timeout:g} s"
                                  ) from None
            time.sleep(0.02)


def start_workers(ports, seed=0, epochs=3, python=sys.executable, script=None):
    """One process per port running this file with --worker, each with its own place in the
    cluster (worker_environment).

    Each worker gets its own process group (start_new_session), so stop_workers can end it
    with everything it started."""
    script = script or os.path.abspath(__file__)
    workers = []
    try:
        for index in range(len(ports)):
            workers.append(subprocess.Popen(
                [python, script, "--worker", str(seed), str(epochs)],
                env=worker_environment(ports, index),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                start_new_session=True))
    except OSError as error:
        stop_workers(workers)
        raise WorkerError(f"cannot start a worker with {python}: {error.strerror}") from None
    return workers


def group_alive(pgid):
    """Whether any process is left in the process group `pgid`."""
    try:
        os.killpg(pgid, 0)  # signal 0: only asks whether the group exists
        return True
    except (ProcessLookupError, PermissionError):
        return False


def stop_workers(workers, grace=3.0):
    """End each worker's whole process group (the worker and whatever it started), even when the
    worker itself has already exited: SIGTERM, then SIGKILL for what is left after `grace` s
    (grace=0: SIGKILL at once)."""
    polite = [(signal.SIGTERM, grace)] if grace > 0 else []
    for sig, seconds in [*polite, (signal.SIGKILL, 3.0)]:  # 3 s: time to reap the killed
        for worker in workers:
            try:
                os.killpg(worker.pid, sig)  # start_new_session: the group id is the worker's pid
            except (ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + seconds
        for worker in workers:
            try:
                worker.wait(timeout=max(0.0, deadline - time.monotonic()))  # reap it
            except subprocess.TimeoutExpired:
                pass
        while time.monotonic() < deadline and any(group_alive(w.pid) for w in workers):
            time.sleep(0.05)
        if not any(group_alive(worker.pid) for worker in workers):
            return


def collect(workers, timeout):
    """Each worker's report: the JSON object it prints last. Returns as soon as every worker
    has printed one (a TensorFlow worker then spends about a second shutting down its
    collective runtime, which stop_workers cuts short). Raises WorkerError naming the first
    worker that fails (the others would wait for it forever) or, after `timeout` seconds, the
    first still running."""
    import threading

    lines = [{"out": [], "err": []} for _ in workers]
    readers = []
    for worker, read in zip(workers, lines, strict=True):  # drain the pipes, so none fills up
        for name, stream in (("out", worker.stdout), ("err", worker.stderr)):
            reader = threading.Thread(target=lambda s=stream, k=read[name]: k.extend(s),
                                      daemon=True)
            reader.start()
            readers.append(reader)

    def report(index):  # the worker's last JSON object on stdout, or None before it prints one
        for line in reversed(list(lines[index]["out"])):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
        return None

    def last_error(index):
        for reader in readers[2 * index:2 * index + 2]:
            reader.join(timeout=1.0)  # a child of the worker may hold its pipes open
        text = "".join(lines[index]["err"]).strip().splitlines() or ["no error output"]
        return text[-1][:200]

    deadline = time.monotonic() + timeout
    while True:
        codes = [worker.poll() for worker in workers]
        for index, code in enumerate(codes):
            if code not in (None, 0):
                raise WorkerError(f"worker {index} exited with status {code}: "
                                  f"{last_error(index)}")
        reports = [report(index) for index in range(len(workers))]
        if None not in reports:
            return reports
        if None not in codes:  # all exited with status 0: read what is left of their output
            for reader in readers:
                reader.join(timeout=1.0)
            reports = [report(index) for index in range(len(workers))]
            if None in reports:
                raise WorkerError(f"worker {reports.index(None)} exited without a report")
            return reports
        if time.monotonic() > deadline:
            raise WorkerError(f"worker {codes.index(None)} did not finish within {timeout:g} s;"
                              f" stopped all workers")
        time.sleep(0.05)


def build_regressor(input_dim=8, units=16, seed=0):
    """A small regression MLP: Input -> Dense(relu) -> Dense(1).

    Its initializers are seeded, so every process starts from the same weights (without
    keras.utils.set_random_seed, which on JAX would import TensorFlow in every worker)."""
    inputs = keras.Input(shape=(input_dim,))  # (batch, input_dim)
    hidden = keras.layers.Dense(units, activation="relu", kernel_initializer=(
        keras.initializers.GlorotUniform(seed=seed)))(inputs)  # (batch, units)
    outputs = keras.layers.Dense(1, kernel_initializer=(
        keras.initializers.GlorotUniform(seed=seed + 1)))(hidden)  # (batch, 1)
    return keras.Model(inputs, outputs, name="regressor")


def make_data(seed=0, rows=512, features=8):
    """A noisy linear target: y = x @ w + 0.1 * noise. Every worker makes the same arrays."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features)).astype("float32")
    y = x @ rng.normal(size=(features, 1)) + 0.1 * rng.normal(size=(rows, 1))
    return x, y.astype("float32")


def shard_of_each_batch(x, y, batch_size, input_context):
    """This worker's rows of every global batch: worker i of N takes rows i*b/N to (i+1)*b/N.

    Called by strategy.distribute_datasets_from_function once per worker with its place."""
    import tensorflow as tf

    share = input_context.get_per_replica_batch_size(batch_size)  # 64 / 2 workers = 32
    first = input_context.input_pipeline_id * share
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)  # global batches
    return dataset.map(lambda xs, ys: (xs[first:first + share], ys[first:first + share]))


def train(strategy, x, y, seed=0, epochs=3, batch_size=64, learning_rate=0.05):
    """A custom training loop under `strategy`; returns the mean loss of each epoch.

    Why not fit(): in Keras 3 (3.15) model.fit fails under MultiWorkerMirroredStrategy
    (keras-team/keras#20585). Each replica's loss is its rows' squared errors over the global
    batch size; the optimizer all-reduces (sums) the gradients, which gives the gradient of the
    mean over the whole global batch, so every worker takes the same step."""
    import tensorflow as tf

    with strategy.scope():  # variables made here are mirrored across workers
        model = build_regressor(input_dim=x.shape[1], seed=seed)
        optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
        optimizer.build(model.trainable_variables)
    batches = strategy.distribute_datasets_from_function(
        lambda input_context: shard_of_each_batch(x, y, batch_size, input_context))

    def replica_step(x_batch, y_batch):  # (32, 8), (32, 1) on each of 2 workers
        with tf.GradientTape() as tape:
            squared = keras.ops.square(y_batch - model(x_batch, training=True))  # (32, 1)
            loss = keras.ops.sum(squared) / batch_size  # this worker's share of the mean
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(  # all-reduced: summed over workers, then applied
            zip(gradients, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def global_step(batch):
        shares = strategy.run(replica_step, args=batch)
        return strategy.reduce("SUM", shares, axis=None)  # the global batch's mean loss

    losses = []
    for _ in range(epochs):
        batch_losses = [float(global_step(batch)) for batch in batches]
        losses.append(sum(batch_losses) / len(batch_losses))
    return losses


def rows_of_each_batch(rows, batch_size, index, count):
    """Worker `index` of `count`'s rows of every global batch, in order: rows i*b/N to
    (i+1)*b/N of each, as shard_of_each_batch does on TensorFlow."""
    share = batch_size // count  # 64 / 2 processes = 32
    return np.concatenate([np.arange(first, min(first + batch_size, rows))[
        index * share:(index + 1) * share] for first in range(0, rows, batch_size)])


def train_jax(x, y, seed=0, epochs=3, batch_size=64, learning_rate=0.05):
    """fit() under keras.distribution.DataParallel over every process's devices; returns the
    loss of each epoch. In one process (no jax.distributed) it is plain data-parallel fit.

    Each process passes only its rows and its share of the batch: Keras builds each global
    batch of 64 from the processes' shares (jax.make_array_from_process_local_data), computes
    the mean loss over all 64, and the gradient's mean over processes is XLA's all-reduce."""
    import jax

    count, index = jax.process_count(), jax.process_index()
    distribution = keras.distribution.DataParallel(
        devices=keras.distribution.list_devices(),  # every process's devices
        auto_shard_dataset=False)  # it would shard only a tf.data.Dataset: we pass our rows
    rows = rows_of_each_batch(len(x), batch_size, index, count)
    with distribution.scope():  # variables replicated, batches split across the devices
        model = build_regressor(input_dim=x.shape[1], seed=seed)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
        history = model.fit(x[rows], y[rows], batch_size=batch_size // count, epochs=epochs,
                            shuffle=False, verbose=0)
    return history.history["loss"]


def train_worker(seed=0, epochs=3):
    """What each worker process runs: join the cluster first (it blocks until all workers
    have), then train. TensorFlow reads TF_CONFIG itself; on JAX we pass jax_config's arguments."""
    x, y = make_data(seed)
    if keras.config.backend() == "jax":
        import jax

        place = json.loads(os.environ["JAX_CLUSTER"])  # jax_config(ports, index)
        if place["process_id"] > 0:
            wait_for_worker_0(place["coordinator_address"])
        jax.distributed.initialize(  # before any JAX op; process 0 serves the coordinator
            **place, coordinator_bind_address=place["coordinator_address"])  # not [::]
        losses = train_jax(x, y, seed=seed, epochs=epochs)
        return {"index": jax.process_index(), "workers": jax.process_count(),
                "devices": jax.device_count(), "losses": losses}
    import tensorflow as tf

    cluster = json.loads(os.environ["TF_CONFIG"])  # tf_config(ports, index)
    if cluster["task"]["index"] > 0:
        wait_for_worker_0(cluster["cluster"]["worker"][0])
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # blocks until all workers join
    losses = train(strategy, x, y, seed=seed, epochs=epochs)
    return {"index": cluster["task"]["index"], "workers": strategy.num_replicas_in_sync,
            "devices": strategy.num_replicas_in_sync, "losses": losses}


def run_cluster(workers=2, seed=0, epochs=3, ports=None, timeout=90.0, on_start=None,
                **start_kwargs):
    """Start `workers` processes on the loopback address, wait for their reports, and stop
    them all whatever happens (success, failure, timeout or Ctrl-C)."""
    if ports is None:
        ports = free_ports(workers)
    for port in ports:
        check_port_free(port)
    processes = start_workers(ports, seed=seed, epochs=epochs, **start_kwargs)
    reports = None
    try:
        if on_start:
            on_start([process.pid for process in processes])
        reports = collect(processes, timeout)
        return reports
    finally:
        # Workers that have reported have nothing left to do but shut down, which takes
        # TensorFlow's about a second that SIGTERM does not cut short: kill them at once.
        stop_workers(processes, grace=3.0 if reports is None else 0)


def demo(seed=0, epochs=3, verbose=0, timeout=90.0):
    """Two workers over 127.0.0.1 and one process on the same global batches: equal losses."""
    reports = run_cluster(workers=2, seed=seed, epochs=epochs, timeout=timeout)
    x, y = make_data(seed)
    if keras.config.backend() == "jax":
        single = train_jax(x, y, seed=seed, epochs=epochs)  # this process alone
    else:
        import tensorflow as tf

        single = train(tf.distribute.get_strategy(), x, y, seed=seed, epochs=epochs)
    gap = max(abs(a - b) for report in reports for a, b in zip(report["losses"], single,
                                                                strict=True))
    if verbose:
        for report in reports:
            print(f"worker {report['index']} of {report['workers']}: losses {report['losses']}")
        print(f"one process: losses {single}")
    return {
        "metric": "max |loss per epoch, 2 workers - 1 process|",
        "value": gap,
        "target": 1e-5,
        "higher_is_better": False,
        "params": build_regressor(input_dim=x.shape[1]).count_params(),
        "build_seconds": 0.0,  # the workers build their own models
        "history": {"loss": reports[0]["losses"], "single_process_loss": single},
        "workers": [report["workers"] for report in reports],
        "devices": [report["devices"] for report in reports],
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:  # a worker started by start_workers
        print(json.dumps(train_worker(seed=int(sys.argv[2]), epochs=int(sys.argv[3]))),
              flush=True)  # the report: collect returns once every worker has printed one
    else:
        result = demo(verbose=1)
        print(f"{result['metric']}: {result['value']:.2e} (target <= {result['target']})")
