import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import keras
import numpy as np
import pytest

from snippets import multi_worker as card

from ..conftest import CTRL_C_AS_IN_A_TERMINAL, REPO

BACKEND = keras.config.backend()


def gone(pid):
    """Whether no process with this id is left (not even a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] == "Z"  # a zombie has exited; its parent reaps it
    except FileNotFoundError:
        return True


def wait_gone(pids, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all(gone(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if not gone(pid)]


def listening(ports):
    """{port: addresses listening on it} for TCP `ports`, from /proc/net/tcp and tcp6."""
    found = {}
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, port = local.split(":")
                if state == "0A" and int(port, 16) in ports:  # 0A: LISTEN
                    words = [address[i:i + 8] for i in range(0, width, 8)]  # little-endian
                    raw = b"".join(bytes.fromhex(word)[::-1] for word in words)
                    found.setdefault(int(port, 16), set()).add(
                        socket.inet_ntop(socket.AF_INET if width == 8 else socket.AF_INET6, raw))
    return found


@pytest.fixture(scope="module")
def demo_run():
    """One demo run (two real workers), keeping the worker processes it started and the
    addresses listening on the ports it gave them while they ran."""
    import threading

    started, ports, heard = [], [], {}
    start_workers = card.start_workers
    running = threading.Event()

    def watch():  # sample the listening sockets until the demo returns
        while running.is_set():
            for port, addresses in listening(set(ports)).items():
                heard.setdefault(port, set()).update(addresses)
            time.sleep(0.05)

    def keeping(*args, **kwargs):
        ports.extend(args[0])
        started.extend(start_workers(*args, **kwargs))
        running.set()
        threading.Thread(target=watch, daemon=True).start()
        return started

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(card, "start_workers", keeping)
        try:
            result = card.demo(seed=0, epochs=3)
        finally:
            running.clear()
    return result, started, ports, heard


def plain_keras_losses(seed=0, epochs=3):
    """The reference: Keras fit in one process, no strategy, same data and global batches."""
    x, y = card.make_data(seed)
    keras.utils.set_random_seed(seed)
    model = card.build_regressor(input_dim=x.shape[1])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    return model.fit(x, y, batch_size=64, epochs=epochs, shuffle=False, verbose=0).history["loss"]


@pytest.mark.slow
def test_two_workers_lose_what_plain_keras_loses_on_the_same_global_batches(demo_run):
    result, workers, _, _ = demo_run
    reference = plain_keras_losses()
    assert result["workers"] == [2, 2]  # each worker saw a cluster of two (replicas, processes)
    assert result["devices"] == [2, 2]  # and both workers' devices (jax.devices() on JAX)
    np.testing.assert_allclose(result["history"]["loss"], reference, rtol=1e-5)
    np.testing.assert_allclose(result["history"]["single_process_loss"], reference, rtol=1e-5)
    assert reference[-1] < 0.1 * reference[0]  # it learned
    assert result["value"] <= result["target"] == 1e-5
    # Both workers reported, then were killed and reaped: no process outlives the demo.
    assert len(workers) == 2 and all(worker.returncode == -signal.SIGKILL for worker in workers)
    assert wait_gone([worker.pid for worker in workers]) == []


@pytest.mark.slow
@pytest.mark.jax_only
def test_jax_coordinator_listens_on_loopback_only(demo_run):
    _, _, ports, heard = demo_run
    assert heard.get(ports[0]) and heard[ports[0]] <= {"127.0.0.1", "::ffff:127.0.0.1"}
    assert ports[1] not in heard  # JAX needs only the coordinator's port


@pytest.mark.slow
@pytest.mark.tensorflow_only
def test_tensorflow_workers_listen_on_every_interface_whatever_tf_config_says(demo_run):
    _, _, ports, heard = demo_run
    assert [heard.get(port) for port in ports] == [{"::"}, {"::"}]  # [::]:port


@pytest.mark.jax_only
def test_jax_cpu_collectives_default_to_gloo():
    import jax

    assert jax.config.jax_cpu_collectives_implementation == "gloo"


INITIALIZE_PROBE = textwrap.dedent("""
    import sys
    import keras
    keras.distribution.initialize(f"127.0.0.1:{sys.argv[1]}", 1, 0)  # a cluster of one
    print("tensorflow" in sys.modules, flush=True)
    sys.stdin.read()  # serving the coordinator until the test has looked
""")


@pytest.mark.slow
@pytest.mark.jax_only
def test_keras_distribution_initialize_listens_everywhere_and_imports_tensorflow():
    port = card.free_ports(1)[0]
    probe = subprocess.Popen([sys.executable, "-c", INITIALIZE_PROBE, str(port)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu",
                                  "TF_CPP_MIN_LOG_LEVEL": "3"})
    try:
        imported_tensorflow = probe.stdout.readline().strip()
        addresses = listening({port}).get(port)
    finally:
        probe.communicate(timeout=60)  # closes its stdin: it exits
    assert probe.returncode == 0
    assert imported_tensorflow == "True"  # by keras.utils.set_random_seed, its seeding
    assert addresses == {"::"}  # [::]:port, though it was given 127.0.0.1


def test_tf_config_lists_every_worker_and_names_this_ones_index():
    assert json.loads(card.tf_config([5001, 5002], 1)) == {
        "cluster": {"worker": ["127.0.0.1:5001", "127.0.0.1:5002"]},
        "task": {"type": "worker", "index": 1}}
    assert json.loads(card.tf_config([7000, 7000], 0, host="node-a"))["cluster"] == {
        "worker": ["node-a:7000", "node-a:7000"]}


def test_jax_config_names_the_coordinator_and_this_ones_process_id():
    assert card.jax_config([5001, 5002], 1) == {
        "coordinator_address": "127.0.0.1:5001", "num_processes": 2, "process_id": 1}
    assert card.jax_config([7000, 7001, 7002], 0, host="node-a")["coordinator_address"] == (
        "node-a:7000")


def test_free_ports_are_distinct_and_bindable_on_loopback():
    ports = card.free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_waiting_for_worker_0_ends_once_it_listens_and_not_before():
    import threading

    with socket.socket() as worker_0:
        worker_0.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{worker_0.getsockname()[1]}"
        listens = threading.Timer(0.3, worker_0.listen)  # bound, but refusing till then
        started = time.monotonic()
        listens.start()
        card.wait_for_worker_0(address, timeout=30)
        listens.join()
        assert time.monotonic() - started >= 0.3


def test_waiting_for_a_worker_0_that_never_listens_ends_in_one_line():
    address = f"127.0.0.1:{card.free_ports(1)[0]}"
    with pytest.raises(card.WorkerError) as error:
        card.wait_for_worker_0(address, timeout=0.2)
    assert str(error.value) == f"worker 0 did not listen on {address} within 0.2 s"


class Joined(Exception):
    """Raised where a worker would join the cluster."""


@pytest.mark.parametrize("index", [0, 1])
def test_every_worker_but_worker_0_waits_for_it_before_joining(monkeypatch, index):
    ports, events = [5001, 5002], []
    monkeypatch.setattr(card, "wait_for_worker_0", lambda address: events.append(address))

    def join(*args, **kwargs):
        events.append("join")
        raise Joined

    monkeypatch.setenv("TF_CONFIG", card.tf_config(ports, index))
    monkeypatch.setenv("JAX_CLUSTER", json.dumps(card.jax_config(ports, index)))
    if BACKEND == "jax":
        import jax

        monkeypatch.setattr(jax.distributed, "initialize", join)
    else:
        import tensorflow as tf

        monkeypatch.setattr(tf.distribute, "MultiWorkerMirroredStrategy", join)
    with pytest.raises(Joined):
        card.train_worker()
    assert events == (["127.0.0.1:5001", "join"] if index else ["join"])


@pytest.mark.tensorflow_only
def test_each_worker_takes_its_own_rows_of_every_global_batch():
    class Context:  # what distribute_datasets_from_function passes: this worker's place
        def __init__(self, index):
            self.input_pipeline_id = index

        def get_per_replica_batch_size(self, batch_size):
            return batch_size // 2

    x, y = card.make_data(0, rows=128)
    shards = [list(card.shard_of_each_batch(x, y, 64, Context(index))) for index in (0, 1)]
    for step in range(2):  # rows 0-31 and 32-63 of batch 0, then 64-95 and 96-127
        rebuilt = np.concatenate([np.asarray(shards[index][step][0]) for index in (0, 1)])
        np.testing.assert_array_equal(rebuilt, x[64 * step:64 * (step + 1)])


def test_each_process_passes_its_own_rows_of_every_global_batch_to_fit():
    rows = [card.rows_of_each_batch(128, 64, index, 2) for index in (0, 1)]
    np.testing.assert_array_equal(rows[0], [*range(0, 32), *range(64, 96)])
    np.testing.assert_array_equal(rows[1], [*range(32, 64), *range(96, 128)])
    np.testing.assert_array_equal(card.rows_of_each_batch(128, 64, 0, 1), range(128))


def test_a_port_in_use_is_one_line_and_starts_no_worker(monkeypatch):
    def must_not_start(*args, **kwargs):
        raise AssertionError("no worker should start")

    monkeypatch.setattr(card, "start_workers", must_not_start)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        with pytest.raises(card.WorkerError) as error:
            card.run_cluster(workers=2, ports=[card.free_ports(1)[0], taken])
    message = str(error.value)
    assert "\n" not in message and f"127.0.0.1:{taken} is in use" in message


def test_a_worker_that_cannot_start_is_one_line():
    with pytest.raises(card.WorkerError) as error:
        card.run_cluster(workers=2, python="/nonexistent/python")
    assert "\n" not in str(error.value)
    assert str(error.value).startswith("cannot start a worker with /nonexistent/python")


HANGING_WORKER = textwrap.dedent("""
    import json, os, subprocess, sys, time
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with open(sys.argv[-1] + f".{index}", "w") as pids:  # the worker's and its child's pid
        pids.write(f"{os.getpid()} {child.pid}")
    if index == int(os.environ.get("FAILING_WORKER", "-1")):
        sys.exit("worker could not join the cluster")
    time.sleep(60)  # like a worker waiting for a peer that never comes
""")


def pids_written(tmp_path, seed_path, count=2):
    deadline = time.monotonic() + 20
    found = []
    while time.monotonic() < deadline:
        found = [seed_path.with_name(f"{seed_path.name}.{index}") for index in range(count)]
        if all(path.exists() and path.read_text() for path in found):
            return [int(pid) for path in found for pid in path.read_text().split()]
        time.sleep(0.05)
    raise AssertionError(f"workers wrote no pids: {found}")


@pytest.mark.parametrize("failing", [None, 1])
def test_failed_or_late_workers_are_one_line_and_leave_no_process(tmp_path, monkeypatch,
                                                                   failing):
    script = tmp_path / "worker.py"
    script.write_text(HANGING_WORKER)
    pid_file = tmp_path / "pids"
    if failing is not None:
        monkeypatch.setenv("FAILING_WORKER", str(failing))
    monkeypatch.setattr(card, "start_workers", lambda ports, seed, epochs, **kwargs: [
        subprocess.Popen([sys.executable, str(script), str(pid_file)],
                         env={**os.environ, "TF_CONFIG": card.tf_config(ports, index)},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)  # as the card starts them
        for index in range(len(ports))])
    with pytest.raises(card.WorkerError) as error:
        card.run_cluster(workers=2, timeout=5)
    message = str(error.value)
    assert "\n" not in message
    if failing is None:
        assert message.startswith("worker 0 did not finish within 5 s")
    else:  # named at once, while worker 0 still waited for it
        assert message == "worker 1 exited with status 1: worker could not join the cluster"
    pids = pids_written(tmp_path, pid_file)
    assert len(pids) == 4 and wait_gone(pids) == []  # workers and their children alike


def test_a_worker_that_exits_without_a_report_is_one_line(tmp_path, monkeypatch):
    script = tmp_path / "worker.py"
    script.write_text("print('trained, but no report')\n")
    monkeypatch.setattr(card, "start_workers", lambda ports, seed, epochs, **kwargs: [
        subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
        for _ in ports])
    with pytest.raises(card.WorkerError, match=r"^worker 0 exited without a report$"):
        card.run_cluster(workers=2, timeout=30)


CTRL_C_PARENT = CTRL_C_AS_IN_A_TERMINAL + textwrap.dedent("""
    import os, subprocess, sys
    from snippets import multi_worker as card
    script, pid_file = sys.argv[1], sys.argv[2]
    card.start_workers = lambda ports, seed, epochs, **kwargs: [
        subprocess.Popen([sys.executable, script, pid_file],
                         env={**os.environ, "TF_CONFIG": card.tf_config(ports, index)},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True) for index in range(len(ports))]
    try:
        card.run_cluster(workers=2, timeout=60,
                         on_start=lambda pids: print("started", flush=True))
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
""")


@pytest.mark.slow
def test_ctrl_c_stops_every_worker_and_its_children(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(HANGING_WORKER)
    pid_file = tmp_path / "pids"
    parent = subprocess.Popen([sys.executable, "-c", CTRL_C_PARENT, str(script), str(pid_file)],
                              cwd=REPO, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    try:
        assert parent.stdout.readline().strip() == "started"
        pids = pids_written(tmp_path, pid_file)
        assert not any(gone(pid) for pid in pids)  # all four running
        parent.send_signal(signal.SIGINT)  # what Ctrl-C sends to the demo's process
        out, _ = parent.communicate(timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
    assert parent.returncode == 130 and out.strip() == "interrupted"
    assert wait_gone(pids) == []


FIT_WORKER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[-1])
    import keras, tensorflow as tf
    from snippets import multi_worker as card
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    x, y = card.make_data(0)
    with strategy.scope():
        model = card.build_regressor()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
    print('{"fit": "ran"}')
""")


@pytest.mark.slow
@pytest.mark.tensorflow_only
def test_keras3_fit_fails_under_two_workers(tmp_path, monkeypatch):
    script = tmp_path / "fit_worker.py"
    script.write_text(FIT_WORKER)
    monkeypatch.setattr(card, "start_workers", lambda ports, **kwargs: [
        subprocess.Popen([sys.executable, str(script), str(REPO)],
                         env={**os.environ, "TF_CONFIG": card.tf_config(ports, index),
                              "TF_CPP_MIN_LOG_LEVEL": "3"},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True) for index in range(len(ports))])
    # The traceback's last line: "}) with an unsupported type (<class '...PerReplica'>) ..."
    with pytest.raises(card.WorkerError, match=r"exited with status 1: .*unsupported type "
                                               r"\(<class '[\w.]*PerReplica'>\)"):
        card.run_cluster(workers=2, timeout=120)


def broken_copy(tmp_path, right, wrong):
    """The card's file with its line `right` replaced by `wrong`, for the workers to run."""
    source = (REPO / "snippets" / "multi_worker.py").read_text()
    assert right in source
    broken = tmp_path / "multi_worker.py"
    broken.write_text(source.replace(right, wrong))
    return broken


@pytest.mark.slow
@pytest.mark.tensorflow_only
def test_a_per_worker_mean_loss_takes_double_steps_and_misses_the_target(tmp_path):
    # The broken variant: each worker averages over its own 32 rows instead of dividing by the
    # global 64; the all-reduce then sums two means, so each step is twice too large.
    broken = broken_copy(tmp_path, "loss = keras.ops.sum(squared) / batch_size",
                         "loss = keras.ops.mean(squared)")
    reports = card.run_cluster(workers=2, epochs=3, timeout=120, script=str(broken))
    reference = plain_keras_losses()
    gap = max(abs(a - b) for a, b in zip(reports[0]["losses"], reference, strict=True))
    assert gap > 100 * 1e-5  # far past the card's target


@pytest.mark.slow
@pytest.mark.jax_only
def test_jax_fit_on_arrays_in_two_processes_needs_auto_shard_dataset_false(tmp_path):
    broken = broken_copy(tmp_path, "auto_shard_dataset=False)", "auto_shard_dataset=True)")
    with pytest.raises(card.WorkerError, match=r"exited with status 1: ValueError: .*the data "
                                               r"must be provided as a `tf.data.Dataset`"):
        card.run_cluster(workers=2, epochs=1, timeout=120, script=str(broken))
