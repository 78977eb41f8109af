"""`copy`: every card becomes a script that runs on its own, and no copy ever clobbers a file."""

import ast
import json
import os
import queue
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cheatsheet.cards import index
from cheatsheet.cards.source import SnippetSource, read_snippet
from cheatsheet.demos.workers import ALONE
from cheatsheet.errors import shown
from cheatsheet.output import copy as copying

from .conftest import heavy_imports_after, run_python

# Each script imports TensorFlow (3-5 s) and trains: two at a time on the 2-core reference
# machine, up to four where there are cores to spare.
SCRIPTS_AT_ONCE = max(2, min(4, (os.cpu_count() or 2) // 2))


def header_lines(script):
    return [line for line in script.splitlines()[:2] if line.startswith("#")]


def test_copy_to_stdout_is_the_snippet_file_under_a_provenance_comment(cli):
    result = cli("copy", "activations")
    assert result.status == 0 and result.err == ""
    text = read_snippet(index.find("activations"))
    head = header_lines(result.out)
    assert len(head) == 2 and "snippets/activations.py" in head[0]
    # Verbatim, the tested file itself, with only the lines that quiet C++ logs after its docstring
    body = result.out.removeprefix("\n".join(head) + "\n")
    assert body.replace("\n" + copying.QUIET_CPP_LOGS, "", 1) == text
    docstring_end = text.index('"""', 3) + 4
    assert body.index(copying.QUIET_CPP_LOGS) == docstring_end + 1
    assert cli("copy", "activations", "--to", "-").out == result.out  # "-" is stdout too


def test_copy_accepts_aliases(cli):
    assert cli("copy", "SOFTMAX").out == cli("copy", "activations").out


@pytest.mark.parametrize("card", index.CARDS, ids=lambda card: card.topic)
def test_copied_script_has_imports_functions_and_a_main_block_running_demo(card):
    script = copying.script(card)
    tree = ast.parse(script)
    assert ast.get_docstring(tree), "the keras-io header stays the module docstring"
    defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef,
                                                                    ast.ClassDef))}
    assert set(card.functions) | {"demo"} <= defined
    assert any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body)
    main = SnippetSource(script).main_block()
    assert main is not None and "demo(" in main
    assert script.splitlines()[-len(main.splitlines()):] == main.splitlines(), "main block last"


def test_a_snippet_without_main_block_gets_one(monkeypatch):
    card = index.find("activations")
    bare = read_snippet(card).split('if __name__ == "__main__":')[0]
    monkeypatch.setattr(copying, "read_snippet", lambda _card: bare)
    script = copying.script(card)
    assert script.endswith(copying.FALLBACK_MAIN)
    main = SnippetSource(script).main_block()
    assert main is not None and "demo()" in main


def test_copy_to_a_file_then_again_without_force_leaves_it_byte_for_byte(cli, tmp_path):
    target = tmp_path / "copying.py"
    first = cli("copy", "basics", "--to", str(target))
    assert first.status == 0 and first.err == ""
    assert first.out == f"saved basics to {target}; run it with: python {target}\n"
    assert target.read_text() == copying.script(index.find("basics"))
    target.write_bytes(target.read_bytes() + b"# my own notes\n")  # the learner's edits
    before = target.read_bytes()
    again = cli("copy", "basics", "--to", str(target))
    assert again.status == 1
    assert again.err == f"Error: {shown(target)} already exists; use --force to overwrite it\n"
    assert target.read_bytes() == before
    assert cli("copy", "activations", "--to", str(target)).status == 1  # any card, same rule
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["copying.py"]  # no temporary file left behind
    forced = cli("copy", "activations", "--to", str(target), "--force")
    assert forced.status == 0
    assert target.read_text() == copying.script(index.find("activations"))


def test_copy_into_a_directory_names_the_file_after_the_module(cli, tmp_path):
    assert cli("copy", "relu", "--to", str(tmp_path)).status == 0
    assert (tmp_path / "activations.py").read_text() == copying.script(index.find("activations"))
    assert cli("copy", "relu", "--to", str(tmp_path)).status == 1


def test_an_interrupted_copy_leaves_no_half_written_file(cli, tmp_path, monkeypatch):
    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = cli("copy", "basics", "--to", str(tmp_path / "copying.py"))
    assert result.status == 130
    assert os.listdir(tmp_path) == []


def test_copy_errors(cli, tmp_path, monkeypatch):
    unknown = cli("copy", "activaton")
    assert unknown.status == 1 and "Did you mean: activations?" in unknown.err
    missing_dir = cli("copy", "basics", "--to", str(tmp_path / "no" / "copying.py"))
    assert missing_dir.status == 1 and missing_dir.err.startswith("Error: no such directory")
    assert cli("copy").status == 2
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("")
    for to, error in [("missing/", "no such directory: missing"),
                      ("afile/x.py", "not a directory: afile"),
                      ("", "empty path; name a file"),
                      ("/dev/null", "/dev/null is a device, not a regular file; name a file")]:
        for force in ((), ("--force",)):
            result = cli("copy", "cnn", "--to", to, *force)
            assert (result.status, result.out, result.err) == (1, "", f"Error: {error}\n"), to
    assert os.listdir(tmp_path) == ["afile"]


def test_copy_keeps_links_and_modes_and_refuses_devices(cli, tmp_path):
    script = copying.script(index.find("cnn"))
    (tmp_path / "real.py").write_text("mine\n")
    (tmp_path / "link.py").symlink_to("real.py")
    (tmp_path / "dangling.py").symlink_to("gone.py")
    exe = tmp_path / "exe.sh"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    for name in ("link.py", "dangling.py", "exe.sh"):  # each an existing file: refused
        result = cli("copy", "cnn", "--to", str(tmp_path / name))
        assert result.status == 1 and "already exists" in result.err and "--force" in result.err
    assert (tmp_path / "real.py").read_text() == "mine\n" and not (tmp_path / "gone.py").exists()
    assert cli("copy", "cnn", "--to", str(tmp_path / "link.py"), "--force").status == 0
    assert (tmp_path / "link.py").is_symlink() and (tmp_path / "real.py").read_text() == script
    assert cli("copy", "cnn", "--to", str(exe), "--force").status == 0
    assert exe.stat().st_mode & 0o777 == 0o755 and exe.read_text() == script
    os.mkfifo(tmp_path / "fifo")
    result = cli("copy", "cnn", "--to", str(tmp_path / "fifo"), "--force")
    assert result.status == 1 and "is a FIFO (named pipe), not a regular file" in result.err
    assert sorted(os.listdir(tmp_path)) == ["dangling.py", "exe.sh", "fifo", "link.py", "real.py"]


def test_snippet_source_splits_body_and_main_block():
    source = SnippetSource.of(index.find("basics"))
    body = source.body()
    assert body.startswith("import keras\n") and "Title:" not in body
    assert "def demo(" in body and "__main__" not in body
    assert source.main_body().startswith("result = demo()\n")
    assert source.main_block().startswith('if __name__ == "__main__":\n    result = demo()')
    no_main = SnippetSource('"""Doc."""\n\nimport os\n\n\ndef demo():\n    return {}\n')
    assert no_main.main_block() is None and no_main.main_body() is None
    assert no_main.body() == "import os\n\n\ndef demo():\n    return {}\n"


@pytest.mark.slow
def test_a_copied_script_keeps_cpp_logs_quiet_and_python_errors_visible(tmp_path):
    # losses imports TensorFlow (whose C++ start-up lines ignore TF_CPP_MIN_LOG_LEVEL) and
    # trains nothing: the fastest card whose copy would print them.
    path = copying.copy(index.find("losses"), tmp_path / "losses.py")
    result = run_python(path, cwd=tmp_path, env={"TF_CPP_MIN_LOG_LEVEL": ""})
    assert result.returncode == 0 and result.stdout.strip()
    assert result.stderr == ""
    broken = tmp_path / "broken.py"
    broken.write_text(copying.after_docstring('"""Doc."""\nraise SystemExit("a Python error")\n',
                                          copying.QUIET_CPP_LOGS))
    result = run_python(broken, cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == "a Python error\n"


def test_copy_and_text_exports_import_no_heavy_library(tmp_path):
    out = str(tmp_path)
    assert heavy_imports_after(
        ["copy", "basics"], ["copy", "basics", "--to", out + "/copying.py"],
        ["export", "--format", "markdown", "--out", out + "/a.md"],
        ["export", "--format", "notebook", "--out", out + "/a.ipynb"]) == set()


# -- every card's copy runs: the slow part ------------------------------------------------------

class ScriptRunner:
    """tests/script_runner.py in a subprocess: copied scripts run one by one in one Python that
    imported Keras once, each as __main__ in its own directory, unable to import this project."""

    def __init__(self):
        from .conftest import REPO

        self.process = subprocess.Popen(
            [sys.executable, os.path.join(REPO, "tests", "script_runner.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def run(self, path):
        self.process.stdin.write(json.dumps({"path": str(path)}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the script runner stopped (exit {self.process.wait()}) running {path}"
        return json.loads(line)

    def stop(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_copied_script(card, directory, runners):
    """Copy the card into an otherwise empty directory and run it there: in a shared runner, or
    with a fresh `python FILE` for cards that need a process of their own (ALONE)."""
    path = copying.copy(card, directory / f"{card.module}.py")
    started = time.perf_counter()
    if card.topic in ALONE:
        result = run_python(path, cwd=directory, timeout=300)
        ran = {"ok": result.returncode == 0, "stdout": result.stdout, "error": result.stderr}
    else:
        runner = runners.get()
        try:
            ran = runner.run(path)
        finally:
            runners.put(runner)
    return ran, time.perf_counter() - started


@pytest.fixture(scope="module")
def copied_runs(request, tmp_path_factory):
    """Start the copied script of every selected card, SCRIPTS_AT_ONCE at a time, in order.

    Each test below then waits for its own card: the scripts overlap with one another instead of
    queueing behind pytest, and selecting one card (-k cnn) starts only that card's script.
    Under pytest-xdist every worker collects every card but runs only its share, and the cores
    are already busy: there a script starts when its own test asks for it, in one runner.
    """
    selected = [item.callspec.params["card"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_copied_script_runs_on_its_own"
                and hasattr(item, "callspec")]
    under_xdist = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    at_once = 1 if under_xdist else SCRIPTS_AT_ONCE
    pool = ThreadPoolExecutor(max_workers=at_once)
    runners, started = queue.Queue(), []

    def runner_pool():  # started on first use: a run of only ALONE cards needs none
        if not started:
            started.extend(ScriptRunner() for _ in range(at_once))
            for runner in started:
                runners.put(runner)
        return runners

    class Runs(dict):
        def __missing__(self, topic):
            card = index.find(topic)
            directory = tmp_path_factory.mktemp(card.module)
            self[topic] = pool.submit(lambda: run_copied_script(
                card, directory, runners if card.topic in ALONE else runner_pool()))
            return self[topic]

    runs = Runs()
    runs.runners = runner_pool  # for tests of the runner itself: no Keras import of their own
    if not under_xdist:
        for card in selected:
            runs[card.topic]  # start it now
    yield runs
    pool.shutdown(wait=True, cancel_futures=True)
    for runner in started:
        runner.stop()


def test_a_copied_script_cannot_import_this_project_in_the_runner(tmp_path, copied_runs):
    script = tmp_path / "leaning.py"
    script.write_text("import sys\nprint(sys.argv[0], __name__)\n"
                      "from cheatsheet.cards import index\n")
    runners = copied_runs.runners()
    runner = runners.get()
    try:
        ran = runner.run(script)
        again = runner.run(tmp_path / "missing.py")
    finally:
        runners.put(runner)
    assert not ran["ok"] and ran["stdout"] == f"{script} __main__\n"
    assert "No module named 'cheatsheet' (a copied script stands alone)" in ran["error"]
    assert not again["ok"]  # and the runner went on to the next script


@pytest.mark.slow
@pytest.mark.parametrize("card", index.CARDS, ids=lambda card: card.topic)
def test_copied_script_runs_on_its_own(card, copied_runs):
    ran, seconds = copied_runs[card.topic].result()
    assert ran["ok"], f"{card.topic} ({seconds:.1f} s):\n{ran['error'][-3000:]}"
    assert ran["stdout"].strip(), "the main block prints the demo's result"
