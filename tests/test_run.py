"""`run`, `check` and `plot`: say plainly what happened, keep going past a broken card."""

import json
import os

import pytest
from matplotlib import image

from cheatsheet.cards import index
from cheatsheet.demos import plots

from .conftest import REPO, blocking_imports, died_of_rendezvous_race, run_python

BLOCK_TENSORFLOW = blocking_imports("tensorflow", "keras") + "from cheatsheet.cli import main\n"


def assert_picture(path, min_width=400, min_height=250):
    """A real PNG of a sensible size with something drawn on it."""
    pixels = image.imread(path)
    height, width = pixels.shape[:2]
    assert width >= min_width and height >= min_height
    assert pixels[..., :3].std() > 0.05, "the picture is blank"


def test_run_prints_what_was_built_the_figure_against_its_target_and_the_time(cli):
    result = cli("run", "basics")
    assert result.status == 0, result.err
    assert "built       2,049 parameters" in result.out
    assert "held-out accuracy 0." in result.out and "(target >= 0.93): met" in result.out
    assert "import" in result.out and "demo" in result.out


def test_run_json(cli):
    result = json.loads(cli("run", "activations", "--json").out)
    assert result["status"] == "ok" and result["value"] <= result["target"] == 1e-6
    assert set(result["seconds"]) == {"import", "demo", "total"}


def test_run_exits_1_when_the_card_misses_its_target(cli, monkeypatch):
    from snippets import activations

    real_demo = activations.demo
    monkeypatch.setattr(activations, "demo",
                        lambda **kwargs: {**real_demo(**kwargs), "value": 0.5})
    result = cli("run", "activations")
    assert result.status == 1
    assert "(target <= 1.00e-06): MISSED" in result.out


def test_check_goes_on_past_a_broken_card_and_exits_1(cli, monkeypatch):
    from snippets import activations

    def broken(**_):
        raise RuntimeError("the lab machine is out of memory")

    monkeypatch.setattr(activations, "demo", broken)
    result = cli("check", "--jobs", "1", "activations", "basics")
    assert result.status == 1
    assert "TensorFlow" in result.out and "Keras" in result.out and "devices:" in result.out
    rows = {line.split()[0]: line for line in result.out.splitlines()
            if line.split()[:1] in (["activations"], ["basics"])}
    assert "error" in rows["activations"] and "out of memory" in rows["activations"]
    assert " ok " in rows["basics"]
    assert "1 of 2 cards met their targets" in result.out


def test_check_json(cli):
    report = json.loads(cli("check", "--jobs", "1", "activations", "--json").out)
    assert report["environment"]["backend"]
    assert [row["status"] for row in report["results"]] == ["ok"]


def test_cheatsheet_check_and_the_cheat_magic_share_one_implementation(cli, monkeypatch, capsys):
    """Both front ends hand the cards to demos.check.run and show what it reports: the same
    rows and the same summary; the magic runs them as written, in the kernel's Keras."""
    from cheatsheet import magic
    from cheatsheet.demos import check, runner
    from cheatsheet.output import render

    card, calls = index.find("deployment"), []
    environment = {"python": "3", "keras": "3", "backend": "jax", "devices": ["cpu:0"],
                   "import_seconds": 1.0}

    def run(cards, on_header, on_row, **options):  # one card the backend does not run
        calls.append(([each.topic for each in cards], options))
        row = runner.unsupported(card, "jax")
        on_header(environment, [])
        on_row(row)
        return check.Report(environment, [row], [], 2.0, "jax")

    monkeypatch.setattr(check, "run", run)
    report = run([card], lambda *_: None, lambda _: None)
    calls.clear()
    shown = cli("check", "deployment")
    magic.Magic(shell=object()).check(["deployment"])  # terminal IPython: plain text
    in_kernel = capsys.readouterr().out
    assert calls == [(["deployment"], {"seed": 0, "backend": None, "jobs": None,
                                       "as_written": False}),
                     (["deployment"], {"as_written": True})]
    row = render.check_row(report.results[0], runner.figure_line(report.results[0]))
    for text in (shown.out, in_kernel):
        assert row in text and text.endswith(render.check_summary(report))
    assert shown.status == 1


def test_check_unknown_topic_fails_before_running_anything(cli):
    result = cli("check", "--jobs", "1", "basics", "trnasformer")
    assert result.status == 1 and result.err.startswith("Error: no card named 'trnasformer'")
    assert result.out == ""


def test_early_stop_marker_follows_the_curve():
    assert plots.early_stop_epoch([5, 4, 3, 3.5, 3.6, 3.7, 2.0], patience=3) == (2, 5)
    assert plots.early_stop_epoch([5, 4, 3, 2, 1], patience=3) == (4, None)


@pytest.mark.parametrize("name", list(plots.PLOTS))
def test_every_plot_is_a_real_picture(cli, tmp_path, monkeypatch, name):
    if name == "gan":  # the whole way to the picture, on 20 of the grid's 300 training steps
        from snippets import gan

        trained, train_digit_grid = [], gan.train_digit_grid
        monkeypatch.setattr(gan, "train_digit_grid", lambda path, seed: trained.append(
            seed) or train_digit_grid(path, seed=seed, steps=20))
    out = tmp_path / f"{name}.png"
    result = cli("plot", name, "--out", str(out))
    assert result.status == 0, result.err
    assert_picture(out)
    if name == "gan":
        assert trained == [0]


def test_plot_never_overwrites_without_force(cli, tmp_path):
    out = tmp_path / "mine.png"
    out.write_bytes(b"a learner's own file")
    result = cli("plot", "activations", "--out", str(out))
    assert result.status == 1 and "already exists; use --force" in result.err
    assert out.read_bytes() == b"a learner's own file"
    assert cli("plot", "activations", "--out", str(out), "--force").status == 0
    assert_picture(out)


def test_run_refuses_an_existing_plot_file_before_training(cli, tmp_path):
    out = tmp_path / "curves.png"
    out.write_bytes(b"keep me")
    result = cli("run", "basics", "--plot", str(out))
    assert result.status == 1 and result.out == "" and out.read_bytes() == b"keep me"


def test_run_plot_saves_the_learning_curves_of_that_run(cli, tmp_path):
    out = tmp_path / "curves.png"
    result = cli("run", "basics", "--plot", str(out))
    assert result.status == 0 and f"saved to {out}" in result.out
    assert_picture(out)


def test_unknown_plot_name_suggests_one(cli, tmp_path):
    result = cli("plot", "activation", "--out", str(tmp_path / "a.png"))
    assert result.status == 1 and "Did you mean: activations?" in result.err


@pytest.mark.slow
def test_without_tensorflow_lookups_work_and_run_check_plot_say_how_to_install(tmp_path):
    probe = BLOCK_TENSORFLOW + (
        "import io, contextlib\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['show', 'basics']) == 0 and main(['search', 'adam']) == 0\n"
        f"for argv in (['run', 'basics'], ['check'], ['plot', 'activations', '--out', "
        f"{str(tmp_path / 'a.png')!r}]):\n"
        "    print(main(argv))\n"
    )
    probe += (  # a wrong plot name is said as such, not as a missing TensorFlow
        f"print(main(['plot', 'activaton', '--out', {str(tmp_path / 'b.png')!r}]))\n")
    result = run_python("-c", probe)
    # No backend: run, check and plot exit 2, naming the extra; a wrong plot name is a 1.
    assert result.stdout.split() == ["2", "2", "2", "1"], result.stderr
    errors = result.stderr.splitlines()
    assert len(errors) == 4
    for line in errors[:3]:
        assert line.startswith("Error: '") and "needs TensorFlow" in line and "pip install" in line
    assert errors[3] == "Error: no plot named 'activaton'. Did you mean: activations?"


def test_bad_seed_is_a_usage_error(cli, tmp_path):
    result = cli("plot", "activations", "--seed", "-1", "--out", str(tmp_path / "a.png"))
    assert result.status == 2 and "not between 0 and 2**32 - 1" in result.err
    assert cli("run", "basics", "--seed", "many").status == 2


def test_run_refuses_a_plot_in_a_missing_directory_before_training(cli, tmp_path):
    result = cli("run", "basics", "--plot", str(tmp_path / "nowhere" / "curves.png"))
    assert result.status == 1 and result.out == "" and "no such directory" in result.err


def never_train(monkeypatch):
    from cheatsheet.demos import runner

    def train(*_args, **_kwargs):
        raise AssertionError("trained although the command was to be refused")

    monkeypatch.setattr(runner, "run_card", train)
    monkeypatch.setattr(runner, "prepare", train)


def test_run_plot_of_a_card_without_a_picture_or_curves_is_refused_before_training(
        cli, tmp_path, monkeypatch):
    never_train(monkeypatch)
    result = cli("run", "losses", "--plot", str(tmp_path / "losses.png"))
    assert (result.status, result.out) == (1, "")
    assert result.err == ("Error: card 'losses' has no picture and records no loss curve to "
                          "plot; run it without --plot\n")
    assert list(tmp_path.iterdir()) == []


def test_which_cards_record_a_history_is_read_from_their_source():
    # losses and activations compare formulas and train nothing; the others train with fit()
    assert not plots.records_history(index.find("losses"))
    assert not plots.records_history(index.find("activations"))
    for topic in ("basics", "weight-regularization", "distributed", "gan"):
        assert plots.records_history(index.find(topic)), topic
    assert plots.picture_of(index.find("activations")) == "activations"
    assert plots.picture_of(index.find("cnn")) == "learning-curves"


@pytest.mark.parametrize(("argv", "message"), [
    (["--plot", "/dev/full", "--force"], "/dev/full is a device, not a regular file"),
    (["--plot", "curves.gif"], "cannot save a picture as .gif; name a .png, .svg, .pdf or .jpg"),
    (["--plot", "-"], "'-' (standard output) takes text only"),
    (["--plot", "missing/c.png"], "no such directory: missing"),
])
def test_run_refuses_a_plot_it_could_not_write_before_training(cli, tmp_path, monkeypatch, argv,
                                                              message):
    monkeypatch.chdir(tmp_path)
    never_train(monkeypatch)
    result = cli("run", "basics", *argv)
    assert (result.status, result.out) == (1, "") and result.err.startswith(f"Error: {message}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("extension", "magic"), [
    ("svg", b"<?xml"), ("pdf", b"%PDF"), ("jpg", b"\xff\xd8\xff"), ("png", b"\x89PNG")])
def test_the_picture_format_follows_the_extension(cli, tmp_path, extension, magic):
    out = tmp_path / f"schedule.{extension}"
    result = cli("plot", "lr-schedule", "--out", str(out))
    assert result.status == 0, result.err
    assert out.read_bytes().startswith(magic)


def test_plot_refuses_a_device_and_an_unknown_format_before_drawing(cli, tmp_path, monkeypatch):
    from cheatsheet.demos import plots as plots_module

    monkeypatch.setattr(plots_module, "figure_for", never_train)
    for out, message in (("/dev/null", "/dev/null is a device"), (str(tmp_path / "a.gif"),
                                                                  "cannot save a picture as .gif")):
        result = cli("plot", "activations", "--out", out, "--force")
        assert result.status == 1 and result.err.startswith(f"Error: {message}")
    assert list(tmp_path.iterdir()) == []


def test_check_total_is_the_wall_time_with_the_keras_import(cli):
    import re
    import time

    started = time.perf_counter()
    result = cli("check", "--jobs", "1", "activations", "losses")
    wall = time.perf_counter() - started
    match = re.search(r"met their targets in ([0-9.]+) s \(Keras import ([0-9.]+) s\)",
                      result.out)
    assert match, result.out
    rows = [float(line.split()[2]) for line in result.out.splitlines()
            if line.split()[:1] in (["activations"], ["losses"])]
    assert sum(rows) - 0.1 <= float(match.group(1)) <= wall + 0.1


@pytest.mark.slow
def test_run_in_a_fresh_process_runs_the_card_as_its_script_does():
    # Issue 30: run hides nothing the card's libraries print, as `python snippets/<card>.py`
    # would show it: here LiteRT's C++ INFO line; its own report still follows on stdout.
    result = run_python("-m", "cheatsheet", "run", "deployment",
                        env={"TF_CPP_MIN_LOG_LEVEL": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "LiteRT" in result.stdout and "result      max |LiteRT - Keras|" in result.stdout
    assert "XNNPACK delegate" in result.stderr


def test_check_goes_on_past_a_card_whose_library_is_missing(cli, monkeypatch):
    from cheatsheet.demos import runner

    real_load = runner.load_card_module

    def without_litert(card, command="run"):
        if card.topic == "activations":
            raise runner.CheatsheetError("card 'activations' needs ai_edge_litert, which is not "
                                         "installed: pip install ai-edge-litert")
        return real_load(card, command)

    monkeypatch.setattr(runner, "load_card_module", without_litert)
    result = cli("check", "--jobs", "1", "losses", "activations")
    assert result.status == 1
    assert "pip install ai-edge-litert" in result.out and "1 of 2 cards" in result.out


def test_check_runs_each_named_card_once_in_roadmap_order(cli):
    report = json.loads(cli("check", "--jobs", "1", "losses", "activations", "softmax",
                            "--json").out)
    assert [row["topic"] for row in report["results"]] == ["activations", "losses"]


@pytest.mark.parametrize("jobs", ["0", "-1", "two", "65"])
def test_a_bad_jobs_count_is_a_usage_error(cli, jobs):
    result = cli("check", "activations", "--jobs", jobs)
    assert result.status == 2 and "--jobs" in result.err


def test_only_tensorflows_rendezvous_race_earns_a_second_run():
    # The row check printed in CI on 2026-12-07 (tests/conftest.py: tensorflow/tensorflow#62523).
    seen = ('"error": "the worker process was killed by SIGSEGV", "stderr": ["W0000 '
            '00:00:1796614420.532170 472 dataset.cc:997] Input of GeneratorDatasetOp::Dataset '
            'will not be optimized", "W0000 00:00:1796614421.478981 922 local_rendezvous.cc:412] '
            'Local rendezvous is aborting with status: CANCELLED: GetNextFromShard was '
            'cancelled"]')
    assert died_of_rendezvous_race(seen)
    assert not died_of_rendezvous_race(seen.replace("SIGSEGV", "SIGABRT"))  # an XLA abort
    assert not died_of_rendezvous_race(seen.replace("Local rendezvous", "Local"))
    assert died_of_rendezvous_race("...local_rendezvous.cc:412] Local rendezvous is aborting",
                                   segfaulted=True)  # a fresh `python FILE` that died
    assert not died_of_rendezvous_race("Segmentation fault", segfaulted=True)


@pytest.mark.slow
def test_check_in_workers_is_quiet_and_gives_the_figures_of_one_process_in_card_order(cli):
    def rows(report):
        return [(row["topic"], row["status"], row["metric"], row["value"])
                for row in report["results"]]

    # TensorFlow's C++ start-up lines ignore TF_CPP_MIN_LOG_LEVEL; check must still hide them.
    two = run_python("-m", "cheatsheet", "check", "losses", "activations", "distributed",
                     "--json", "--jobs", "2", env={"TF_CPP_MIN_LOG_LEVEL": ""}, timeout=300)
    assert two.returncode == 0 and two.stderr == "", two.stdout + two.stderr
    in_workers = rows(json.loads(two.stdout))
    assert [topic for topic, *_ in in_workers] == ["activations", "losses", "distributed"]
    # distributed ran alone, in the worker left at the end, whose prepare() split the CPU
    # before anything started TensorFlow: two replicas (in a started process it would say 1).
    assert in_workers[2][2].startswith("|loss on 2 replica(s)")
    # --jobs 1 runs the cards in check's own process: here, this one.
    one = cli("check", "--jobs", "1", "losses", "activations", "--json")
    assert one.status == 0, one.err
    assert rows(json.loads(one.out)) == in_workers[:2]  # same seed, same figures


@pytest.mark.slow
def test_interrupting_check_stops_every_worker(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import CTRL_C_AS_IN_A_TERMINAL, REPO

    token = f"cheatsheet-test-{os.getpid()}-{time.time_ns()}"  # marks this test's processes

    def ours():
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/environ", "rb") as file:
                    if token.encode() in file.read():
                        found.append(int(pid))
            except OSError:
                pass
        return found

    process = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_AS_IN_A_TERMINAL + "from cheatsheet.cli import main; "
         "raise SystemExit(main())", "check", "--jobs", "2", "cnn", "lstm", "rnn"],
        cwd=REPO, env={**os.environ, "CHEATSHEET_TEST_TOKEN": token},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().startswith("Python")  # the header: a worker is up
        deadline = time.monotonic() + 120
        while len(ours()) < 3 and time.monotonic() < deadline:  # check and its two workers
            time.sleep(0.1)
        assert len(ours()) == 3
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130 and err.strip() == "Interrupted."
    deadline = time.monotonic() + 10
    while ours() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ours() == []


@pytest.mark.parametrize(("cores", "count", "users", "expected"), [
    (2, 2, None, "1"), (8, 2, None, "4"), (2, 4, None, "1"), (1, 1, None, "1"), (2, 2, "3", "3")])
def test_check_workers_share_the_cores_for_openmp_threads_unless_the_user_set_them(
        monkeypatch, cores, count, users, expected):
    import os
    import subprocess

    from cheatsheet.demos import tuning, workers

    started = []
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(subprocess, "Popen", lambda argv, env, **kwargs: started.append(env))
    if users is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", users)
    workers.Worker(threads=tuning.threads_per_worker(count))
    assert started[0]["OMP_NUM_THREADS"] == expected
    assert "OMP_NUM_THREADS" not in os.environ or users  # check's own process is left alone


def test_only_the_first_check_worker_prepares_the_cards_that_run_alone(monkeypatch):
    from cheatsheet.demos import workers

    prepared = []

    class Started:  # a worker that is up at once
        def __init__(self, backend, prepare, threads):
            prepared.append(tuple(prepare))

        def receive(self):
            return {"environment": {"devices": ["cpu:0"], "backend": "tensorflow"}}

    monkeypatch.setattr(workers, "Worker", Started)
    _, environment = workers.start(prepare=("distributed", "multi-worker"), count=3)
    # distributed's prepare() splits the CPU in two, which slows every other demo there
    assert prepared == [("distributed", "multi-worker"), (), ()]
    assert environment["tuning"].startswith("tuned: 3 worker processes, OMP_NUM_THREADS=")


@pytest.mark.parametrize(("backend", "jaxlib", "users", "expected"), [
    ("tensorflow", "0.10.2", None, "--xla_backend_optimization_level=0"),
    ("jax", "0.10.2", None,
     "--xla_backend_optimization_level=0 --xla_cpu_use_fusion_emitters=false"),
    ("jax", "0.4.30", None, "--xla_backend_optimization_level=0"),  # not measured there
    ("jax", None, None, "--xla_backend_optimization_level=0"),
    ("jax", "0.10.2", "--xla_dump_to=/tmp/x", "--xla_dump_to=/tmp/x")])
def test_check_workers_compile_quickly_with_xla_unless_the_user_set_its_flags(
        monkeypatch, backend, jaxlib, users, expected):
    import importlib.metadata
    import subprocess

    from cheatsheet.demos import workers

    def version(name):
        if jaxlib is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return jaxlib

    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda argv, env, **kwargs: started.append(env))
    monkeypatch.setattr(importlib.metadata, "version", version)
    if users is None:
        monkeypatch.delenv("XLA_FLAGS", raising=False)
    else:
        monkeypatch.setenv("XLA_FLAGS", users)
    workers.Worker(backend=backend)
    assert started[0]["XLA_FLAGS"] == expected


@pytest.fixture
def grappler_options():
    """TensorFlow's optimizer options now, and as they were before the test when it ends."""
    import keras  # noqa: F401 - the tuning acts where Keras runs on TensorFlow
    import tensorflow as tf

    before = tf.config.optimizer.get_experimental_options()
    yield tf.config.optimizer
    tf.config.optimizer.set_experimental_options(
        {"disable_meta_optimizer": before.get("disable_meta_optimizer", False)})


@pytest.mark.parametrize("set_before", [None, False, True])
@pytest.mark.parametrize("breaks", [False, True])
@pytest.mark.parametrize("tuned", [False, True])
def test_only_a_tuned_check_demo_runs_with_grappler_off_and_the_options_come_back(
        monkeypatch, grappler_options, set_before, breaks, tuned):
    from cheatsheet.demos import runner
    from snippets import activations

    real_demo, seen = activations.demo, []

    def demo(**kwargs):
        seen.append(grappler_options.get_experimental_options().get("disable_meta_optimizer"))
        if breaks:
            raise RuntimeError("a broken card")
        return real_demo(**kwargs)

    monkeypatch.setattr(activations, "demo", demo)
    if set_before is not None:
        grappler_options.set_experimental_options({"disable_meta_optimizer": set_before})
    found = grappler_options.get_experimental_options()
    result = runner.run_card(index.find("activations"), tuned=tuned)
    assert result["status"] == ("error" if breaks else "ok")
    # run, plot and %cheat (tuned=False) run the demo under the process's own options
    assert seen == [True if tuned else found.get("disable_meta_optimizer")]
    assert grappler_options.get_experimental_options().get(
        "disable_meta_optimizer", False) == found.get("disable_meta_optimizer", False)


def test_a_tuned_demo_iterates_datasets_and_fits_untuned_unless_a_dataset_chose_then_puts_it_back(
        monkeypatch):
    import keras
    import numpy as np
    import tensorflow as tf

    from cheatsheet.demos import tuning

    real_iterate, seen = tf.data.Dataset.__iter__, []

    def iterate(dataset):  # what tuned_demo finds in place, and must put back
        seen.append(dataset.options().autotune.enabled)
        return real_iterate(dataset)

    monkeypatch.setattr(tf.data.Dataset, "__iter__", iterate)
    plain = tf.data.Dataset.range(6).batch(4)
    tuned = tf.data.Options()
    tuned.autotune.enabled = True
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(RuntimeError, match="a broken card"), tuning.tuned_demo():
        assert [batch.numpy().tolist() for batch in plain] == [[0, 1, 2, 3], [4, 5]]
        list(plain.with_options(tuned))
        model.fit(np.zeros((8, 2)), np.zeros((8, 1)), batch_size=4, epochs=2, verbose=0)
        raise RuntimeError("a broken card")
    # untuned, the dataset's own choice, then every iterator fit made (two an epoch)
    assert seen[:2] == [False, True] and len(seen) >= 4 and set(seen[2:]) == {False}
    assert tf.data.Dataset.__iter__ is iterate
    list(plain)
    assert seen[-1] is None  # outside it, as the dataset says: TensorFlow's default


@pytest.mark.slow
def test_run_imports_keras_as_a_script_does_and_leaves_the_process_alone(tmp_path):
    # Issue 30: after `run`'s own import, keras.visualization still finds matplotlib, jax is
    # importable, and no finder, PYTHONPATH entry or stderr redirection was left behind.
    probe = (
        "import os, sys\n"
        "path, err = os.environ.get('PYTHONPATH'), os.dup(2)\n"
        "from cheatsheet.cards import index\nfrom cheatsheet.demos import runner\n"
        "runner.load_keras('run')\n"
        "result = runner.run_card(index.find('activations'))\n"
        "import keras, numpy as np\n"
        "keras.visualization.plot_image_gallery(np.zeros((1, 4, 4, 3)), rows=1, cols=1,\n"
        "                                       path=sys.argv[1])\n"
        "ours = [f for f in sys.meta_path if type(f).__module__.startswith('cheatsheet')]\n"
        "print(result['status'], ours == [], os.environ.get('PYTHONPATH') == path,\n"
        "      os.path.samestat(os.fstat(2), os.fstat(err)), os.path.getsize(sys.argv[1]) > 0)\n")
    result = run_python("-c", probe, str(tmp_path / "gallery.png"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ok", "True", "True", "True", "True"]


def test_a_broken_keras_import_says_tensorflows_own_reason(tmp_path):
    fake = tmp_path / "keras"
    fake.mkdir()
    message = ("Traceback (most recent call last):\n  File \"x.py\", line 1\nImportError: "
               "libcudart.so.12: cannot open shared object file: No such file or directory\n\n"
               "Failed to load the native TensorFlow runtime.")
    (fake / "__init__.py").write_text(f"raise ImportError({message!r})\n")
    probe = ("from cheatsheet.demos import runner\n"
             "try:\n    runner.load_keras('check')\n"
             "except runner.CheatsheetError as error:\n    print(error)\n")
    result = run_python("-c", probe, env={"PYTHONPATH": os.pathsep.join([str(tmp_path),
                                                                          str(REPO)])})
    assert result.stdout.strip() == ("'check' cannot import Keras: ImportError: libcudart.so.12: "
                                     "cannot open shared object file: No such file or directory")


CRASHING_WORKER = """
import json, os, sys
print(json.dumps({"environment": {"backend": "tensorflow", "devices": ["cpu:0"]}}), flush=True)
for line in sys.stdin:
    topic = json.loads(line)["topic"]
    if topic == "losses":
        print(json.dumps({"topic": topic, "title": topic, "status": "ok",
                          "seconds": {"import": 0.0, "total": 0.0}}), flush=True)
        continue
    sys.stderr.write("2026-12-06 F external/xla/service/cpu: Check failed: buffer != nullptr\\n")
    sys.stderr.flush()
    os.abort()
"""


def test_a_card_that_crashes_its_worker_shows_the_last_lines_of_its_stderr(monkeypatch):
    import subprocess
    import sys

    from cheatsheet.demos import runner, workers
    from cheatsheet.output import render

    real_popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda argv, **kwargs: real_popen(
        [sys.executable, "-c", CRASHING_WORKER], **kwargs))
    rows = []
    results = workers.run(["losses", "activations"], jobs=1, on_result=rows.append)
    assert [result["status"] for result in results] == ["ok", "error"]
    crashed = results[1]
    assert crashed["error"] == "the worker process was killed by SIGABRT"
    assert crashed["stderr"] == [
        "2026-12-06 F external/xla/service/cpu: Check failed: buffer != nullptr"]
    row = render.check_row(crashed, runner.figure_line(crashed))
    assert row.splitlines()[1].endswith("| 2026-12-06 F external/xla/service/cpu: Check failed: "
                                        "buffer != nullptr")
    assert json.loads(json.dumps(runner.json_ready(crashed)))["stderr"] == crashed["stderr"]


def test_a_killed_worker_is_named_by_its_signal():
    from cheatsheet.demos.workers import stopped

    assert stopped(-9) == "the worker process was killed by SIGKILL (out of memory?)"
    assert stopped(-6) == "the worker process was killed by SIGABRT"
    assert stopped(3) == "the worker process stopped (exit status 3)"


def test_check_says_what_it_tunes_and_as_written_tunes_nothing(cli):
    tuned = cli("check", "--jobs", "1", "activations")
    assert tuned.status == 0, tuned.err
    assert ("tuned: this process, Grappler off, tf.data autotune off, gc.freeze() after the Keras "
            "import (--as-written: none of it)") in tuned.out
    plain = cli("check", "--as-written", "activations")
    assert plain.status == 0, plain.err
    assert "as written: every card in this process, with nothing tuned" in plain.out
    assert "tuned:" not in plain.out
    refused = cli("check", "--as-written", "--jobs", "2", "activations")
    assert refused.status == 1 and "--as-written" in refused.err


@pytest.mark.parametrize("command", ["run", "check"])
def test_a_notebooks_cheat_magic_runs_the_demo_with_the_kernels_own_graph_options(
        monkeypatch, capsys, grappler_options, command):
    from cheatsheet import magic
    from snippets import activations

    real_demo, seen = activations.demo, []
    monkeypatch.setattr(activations, "demo", lambda **kwargs: seen.append(
        grappler_options.get_experimental_options().get("disable_meta_optimizer", False))
        or real_demo(**kwargs))
    monkeypatch.setattr(magic, "display", lambda *args, **kwargs: None)
    monkeypatch.setattr(magic, "plot_of", lambda card, result: None)
    magic.Magic(shell=None)(f"{command} activations")
    assert seen == [False], capsys.readouterr().err


def test_a_plot_that_trains_a_card_does_so_with_the_processs_own_options(
        monkeypatch, grappler_options):
    from matplotlib.figure import Figure

    seen = []

    def drawn(name, seed=0, **options):
        seen.append(grappler_options.get_experimental_options().get(
            "disable_meta_optimizer", False))
        return Figure()

    monkeypatch.setattr(plots, "figure_for", drawn)
    found = grappler_options.get_experimental_options().get("disable_meta_optimizer", False)
    assert plots.image_bytes("gan").startswith(b"\x89PNG")
    assert seen == [found]
