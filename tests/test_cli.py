"""The CLI as a user meets it: lookups, output modes, errors that never show a traceback."""

import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cheatsheet import __version__
from cheatsheet.cards import index
from cheatsheet.cards.source import read_snippet
from cheatsheet.errors import ExitStatus

from .conftest import REPO, heavy_imports_after, run_python

ANSI = "\033["
TOPICS = [card.topic for card in index.CARDS]


def test_list_piped_prints_one_topic_per_line_in_roadmap_order(cli):
    result = cli("list")
    assert result.status == 0
    assert result.out.splitlines() == TOPICS


def test_list_on_a_terminal_groups_by_section_with_summaries(cli, terminal):
    result = cli("list", "--color", "never")
    assert "Fundamentals" in result.out and ANSI not in result.out
    for card in index.CARDS:
        assert card.summary in result.out


def test_list_json(cli):
    cards = json.loads(cli("list", "--json").out)
    assert [card["topic"] for card in cards] == TOPICS
    assert {"title", "section", "aliases", "summary", "note", "pitfalls"} <= set(cards[0])


def test_show_by_topic_and_by_alias_agree(cli):
    assert cli("show", "activations").out == cli("show", "SOFTMAX").out


def test_show_prints_the_exact_code_from_the_snippet_file(cli):
    for card in index.CARDS:
        shown = json.loads(cli("show", card.topic, "--json").out)
        text = read_snippet(card)
        for name in card.functions:
            assert f"def {name}(" in shown["code"] or f"class {name}" in shown["code"]
        # Verbatim: every shown line is a line of the file, in the same order.
        file_lines = iter(text.splitlines())
        assert all(line in file_lines for line in shown["code"].splitlines())


def test_show_plain_when_piped_and_highlighted_when_asked(cli):
    plain = cli("show", "basics").out
    assert ANSI not in plain
    for card_part in ("Note", "Keras 3 pitfalls", "Run and copy", "def build_dense_model"):
        assert card_part in plain
    colored = cli("show", "basics", "--color", "always").out
    assert ANSI in colored
    # Highlighting only adds escape codes: stripped, the code is the plain card's, line for line
    # (the prose may wrap to the terminal's width instead).
    stripped = re.sub("\033\\[[0-9;]*m", "", colored).splitlines()
    code_block = plain[plain.index("\nCode: "):plain.index("\nKeras 3 pitfalls")]
    code_lines = code_block.strip("\n").splitlines()[1:]
    assert len(code_lines) > 20 and all(line in stripped for line in code_lines)


def test_no_color_is_honoured_on_a_terminal_unless_color_is_forced(cli, terminal, monkeypatch):
    assert ANSI in cli("show", "basics").out
    monkeypatch.setenv("NO_COLOR", "1")
    assert ANSI not in cli("show", "basics").out
    assert ANSI in cli("show", "basics", "--color", "always").out


def test_show_code_is_copy_ready(cli):
    code = cli("show", "basics", "--code").out
    assert code.startswith("import keras")
    compile(code, "basics_snippet.py", "exec")
    assert "Note" not in code and "pitfalls" not in code


def test_unknown_topic_suggests_the_nearest_name(cli):
    result = cli("show", "activaton")
    assert result.status == 1 and result.out == ""
    assert result.err == "Error: no card named 'activaton'. Did you mean: activations?\n"


def test_unknown_topic_without_a_near_name_points_to_list(cli):
    result = cli("show", "qwertyuiop")
    assert result.status == 1 and "cheatsheet list" in result.err


def test_bad_flag_gives_usage_and_exit_2(cli):
    result = cli("show", "basics", "--no-such-flag")
    assert result.status == 2 and result.err.startswith("usage:")


def test_search_ranks_the_card_about_the_word_first(cli):
    result = cli("search", "softmax")
    assert result.status == 0
    assert result.out.splitlines()[0].startswith("activations")


def test_search_ranks_the_cards_holding_most_of_the_query_first(cli):
    # "tanh" and "leakyrelu" are on a few cards each and name none: no card needs both, and one
    # with both ranks above every card with only one (independent check: each card's words).
    hits = json.loads(cli("search", "tanh", "leakyrelu", "--json").out)
    assert hits, "a card with some of the words is an answer"
    words = {card.topic: set(re.findall(r"[a-z]+", read_snippet(card).lower()))
             for card in index.CARDS}
    both = {topic for topic, found in words.items() if {"tanh", "leakyrelu"} <= found}
    one = {topic for topic, found in words.items() if {"tanh", "leakyrelu"} & found} - both
    ranked = [hit["topic"] for hit in hits]
    assert both and one and ranked[0] in both
    assert all(hit["words"] == ["tanh", "leakyrelu"] for hit in hits if hit["topic"] in both)


def test_search_without_a_match_exits_1_with_a_message(cli):
    result = cli("search", "xylophone")
    assert result.status == 1 and result.err.startswith("Error: no card answers 'xylophone'")
    assert cli("search", "adam", "xylophone").status == 1  # the unknown word weighs the most


def test_roadmap_lists_every_card_once_in_section_order(cli):
    out = cli("roadmap").out
    # Numbered rows ("3. losses "): a topic can also be a word of a section's why-line.
    positions = [out.index(f". {topic} ") for topic in TOPICS]
    assert positions == sorted(positions)
    assert all(out.count(f". {topic} ") == 1 for topic in TOPICS)
    sections = json.loads(cli("roadmap", "--json").out)
    assert [topic for section in sections for topic in section["topics"]] == TOPICS
    assert all(section["why"] for section in sections)


def test_version_and_help_with_examples(cli):
    assert cli("--version").out.strip() == f"cheatsheet {__version__}"
    help_text = cli("--help").out
    assert "examples:" in help_text and "cheatsheet show cnn" in help_text


@settings(max_examples=150, deadline=None)
@given(text=st.text())
def test_arbitrary_text_never_raises(text):
    """Whatever a user types after show or search: an exit status, never a traceback."""
    from cheatsheet.cli import main

    for argv in (["show", text], ["search", text], ["search", "--json", text]):
        try:
            status = main(argv)
        except SystemExit as exit_:  # argparse: text that looks like a flag
            status = exit_.code
        assert status in (0, 1, 2)


@pytest.mark.slow
def test_lookups_import_no_heavy_library():
    assert heavy_imports_after(["list"], ["show", "activations"], ["search", "softmax"],
                               ["roadmap"], ["show", "basics", "--code"]) == set()


@pytest.mark.slow
def test_output_into_a_closed_pipe_ends_quietly():
    # Like `cheatsheet show basics | head -0`: the reader is gone before the first write.
    process = subprocess.Popen([sys.executable, "-m", "cheatsheet", "show", "basics"], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=30) == 0
    assert stderr == ""


@pytest.mark.slow
def test_console_script_is_the_same_program():
    script = Path(sys.executable).with_name("cheatsheet")
    if not script.exists():
        pytest.skip("package not installed in this environment (run: make test)")
    result = subprocess.run([str(script), "show", "activaton"], capture_output=True, text=True)
    module = run_python("-m", "cheatsheet", "show", "activaton")
    assert (result.returncode, result.stderr) == (module.returncode, module.stderr) == (
        1, "Error: no card named 'activaton'. Did you mean: activations?\n")


# -- streams: closed, full, gone, or unable to encode the card: one line and exit 1, never 70 -----

def run_cli_subprocess(*argv, stdout=subprocess.PIPE, env=None):
    import os

    result = subprocess.run([sys.executable, "-m", "cheatsheet", *argv], cwd=REPO,
                            stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=60,
                            env={**os.environ, **(env or {})})
    return result.returncode, result.stderr


@pytest.mark.parametrize("argv", [["list"], ["show", "cnn"], ["search", "adam"], ["roadmap"],
                                  ["copy", "cnn"], ["export", "--format", "markdown",
                                                    "--out", "-"]])
def test_a_full_standard_output_is_one_line_and_exit_1(argv):
    with open("/dev/full", "w") as full:
        status, err = run_cli_subprocess(*argv, stdout=full)
    assert (status, err) == (1, "Error: cannot write to standard output: "
                                "No space left on device\n")


@pytest.mark.parametrize("when", ["at start (>&-)", "while running"])
def test_a_closed_standard_output_is_one_line_and_exit_1(when):
    if when == "at start (>&-)":
        argv = ["sh", "-c", '"$0" -m cheatsheet list >&-', sys.executable]
    else:
        argv = [sys.executable, "-c", "import os, runpy, sys; os.close(1); sys.argv = ['c', "
                "'list']; runpy.run_module('cheatsheet', run_name='__main__')"]
    result = subprocess.run(argv, cwd=REPO, stderr=subprocess.PIPE, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (
        1, "Error: standard output is closed; nothing to print to\n")


def test_a_reader_gone_after_the_first_line_ends_quietly():
    process = subprocess.Popen([sys.executable, "-m", "cheatsheet", "export", "--format",
                                "markdown", "--out", "-"], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.readline()  # like `| head -1`
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert (process.wait(timeout=30), stderr) == (0, "")


def test_an_encoding_that_cannot_print_the_card_prints_it_with_replacements_and_one_warning():
    result = run_python("-m", "cheatsheet", "show", "cnn", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and "Architectures ? aliases" in result.stdout  # "·" as "?"
    assert result.stdout == run_python("-m", "cheatsheet", "show", "cnn", env={
        "PYTHONIOENCODING": "ascii:replace"}).stdout  # the whole card, not cut at the "·"
    assert result.stderr.count("\n") == 1  # once, however many characters it replaced
    assert result.stderr.startswith("Warning: standard output's encoding (ascii) cannot print")
    assert "PYTHONIOENCODING=utf-8" in result.stderr


# The same cases in this process: main() takes the streams it writes to (httpie's Environment),
# so a test hands it a full, closed or ASCII-only one, and sys.stdout is never swapped.

class FullStream(io.StringIO):
    def write(self, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class AsciiStream(io.TextIOWrapper):
    def __init__(self):
        super().__init__(io.BytesIO(), encoding="ascii")

    def text(self):
        self.flush()
        return self.buffer.getvalue().decode("ascii")


def run_main(argv, stdout):
    from cheatsheet.cli import Streams, main

    stderr, before = io.StringIO(), sys.stdout
    status = main(argv, Streams(io.StringIO(), stdout, stderr))
    assert sys.stdout is before  # the process's stream is left alone
    return status, stderr.getvalue()


@pytest.mark.parametrize("argv", [["list"], ["show", "cnn"], ["search", "adam"],
                                  ["explain", "Unrecognized keyword arguments passed to Dense: "
                                              "{'batch_input_shape': (None, 1)}"]])
def test_main_writes_to_the_streams_it_is_given(argv, capsys):
    out = io.StringIO()
    status, err = run_main(argv, out)
    assert (status, err) == (ExitStatus.OK, "") and out.getvalue()
    assert capsys.readouterr() == ("", "")  # nothing reached the process's own streams


def test_main_on_a_full_stream_given_it_is_one_line_and_failed():
    assert run_main(["show", "cnn"], FullStream()) == (
        ExitStatus.FAILED, "Error: cannot write to standard output: No space left on device\n")


def test_main_on_a_closed_stream_given_it_is_one_line_and_failed():
    assert run_main(["list"], None) == (
        ExitStatus.FAILED, "Error: standard output is closed; nothing to print to\n")


def test_main_on_an_ascii_stream_given_it_replaces_and_warns_once():
    stream = AsciiStream()
    status, err = run_main(["show", "cnn"], stream)
    assert status == ExitStatus.OK and "Architectures ? aliases" in stream.text()
    assert err.count("\n") == 1 and err.startswith("Warning: standard output's encoding (ascii)")


def test_usage_errors_go_to_the_stderr_given_with_the_usage_status():
    stderr = io.StringIO()
    from cheatsheet.cli import Streams, main

    with pytest.raises(SystemExit) as exit_:
        main(["show"], Streams(io.StringIO(), io.StringIO(), stderr))
    assert exit_.value.code == ExitStatus.USAGE
    assert "the following arguments are required: topic" in stderr.getvalue()


def test_every_exit_status_is_named():
    """No command returns a bare number: each status is an ExitStatus member (errors.py)."""
    import ast

    for path in ["cheatsheet/cli.py", "cheatsheet/quiz/__init__.py", "cheatsheet/lint/command.py"]:
        tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and (node.name.startswith("cmd_") or node.name
                                                      in ("main", "command", "run")):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Return) and isinstance(inner.value, ast.Constant):
                        assert not isinstance(inner.value.value, int), \
                            f"{path}:{inner.lineno}: return {inner.value.value}; name it"
    assert [int(status) for status in ExitStatus] == [0, 1, 2, 70, 130]


def test_a_terminal_that_cannot_encode_a_character_shows_a_replacement():
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "cheatsheet", "show", "cnn", "--color",
                                "never"], cwd=REPO, stdout=follower, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONIOENCODING": "ascii"})
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the program
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=30) == 0 and process.stderr.read() == b""
    assert b"Architectures ? aliases" in output  # "·" as "?"


def test_errors_quote_a_long_word_short(cli):
    word = "x" * 5000
    for argv in (["show", word], ["search", word], ["plot", word, "--out", "a.png"],
                 ["export", "--format", word, "--out", "a.md"], ["list", "--color", word],
                 ["list", word]):
        result = cli(*argv)
        assert result.status in (1, 2) and "x" * 61 not in result.err, argv[0]
        assert len(result.err.splitlines()[-1]) < 300


def test_export_to_standard_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("export", "--format", "markdown", "--out", "-", "cnn")
    assert result.status == 0 and result.out.startswith("# ") and "def build_cnn" in result.out
    assert list(tmp_path.iterdir()) == []  # not a file named "-"


# -- fuzzing every subcommand's arguments: no traceback, a documented exit, no stray file --------

FUZZ_COMMANDS = ["list", "show", "search", "roadmap", "run", "check", "plot", "copy", "export",
                 "explain"]
FUZZ_WORDS = ["--json", "--color", "always", "never", "--code", "--seed", "0", "-1", "--plot",
              "--force", "--out", "--to", "--format", "markdown", "notebook", "html", "--topic",
              "--help", "--version", "-", "", "cnn", "losses", "activations", "learning-curves",
              "gan", "a.png", "a.svg", "a.gif", "x.py", "sub/", "missing/x.py", "/dev/null",
              "/dev/full", "--", "-x", "\x00", "é", "\u202e", "\n", "--backend", "jax", "torch",
              "nosuch", "--all-backends", "--jobs", "1", "2", "0", "--as-written"]


def fake_result(card, **_options):
    return {"topic": card.topic, "title": card.title, "status": "ok", "metric": "figure",
            "value": 1.0, "target": 1.0, "higher_is_better": True, "params": 1,
            "seconds": {"import": 0.0, "demo": 0.0, "total": 0.0},
            "history": {"loss": [1.0, 0.5]}, "outcome": {"history": {"loss": [1.0, 0.5]}}}


def fake_environment():
    return {"import_seconds": 0.0, "python": "3", "keras": "3", "backend": "jax", "devices": []}


@pytest.fixture
def no_training(monkeypatch):
    """run, check and plot go through their argument checks, then stop short of TensorFlow."""
    from types import SimpleNamespace

    from cheatsheet.demos import backends, plots, runner, workers

    keras = SimpleNamespace(config=SimpleNamespace(backend=lambda: "tensorflow"),
                            utils=SimpleNamespace(set_random_seed=lambda seed: None))
    monkeypatch.setattr(runner, "load_keras", lambda command="run", backend=None: keras)
    monkeypatch.setattr(backends, "grid", lambda cards, topics=(), seed=0, progress=None,
                        as_written=False: {
        "environment": {"python": "3", "keras": "3", "backends": {}}, "cards": []})

    def in_workers(topics, jobs, backend=None, seed=0, on_environment=None, on_result=None):
        on_environment(fake_environment())
        results = [fake_result(index.find(topic)) for topic in topics]
        for result in results:
            on_result(result)
        return results

    monkeypatch.setattr(workers, "run", in_workers)
    monkeypatch.setattr(runner, "prepare", lambda cards: None)
    monkeypatch.setattr(runner, "run_card", fake_result)
    monkeypatch.setattr(runner, "environment", fake_environment)
    monkeypatch.setattr(plots, "image_bytes", lambda *args, **kwargs: b"picture")


@settings(max_examples=1000, deadline=None, derandomize=True,  # the same examples in CI as here
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(FUZZ_COMMANDS),
       words=st.lists(st.one_of(st.sampled_from(FUZZ_WORDS), st.text(max_size=12)), max_size=6))
def test_fuzzed_arguments_never_crash_or_write_outside_the_working_folder(no_training, command,
                                                                           words):
    import contextlib
    import io
    import os
    import stat
    import tempfile

    from cheatsheet.cli import main

    before = sorted(os.listdir(REPO))
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "sub").mkdir()
        cwd = os.getcwd()
        os.chdir(folder)
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = main([command, *words])
                except SystemExit as exit_:  # argparse: usage errors, --help, --version
                    status = exit_.code
        finally:
            os.chdir(cwd)
    assert status in (0, 1, 2, 130), err.getvalue()
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue()
    assert sorted(os.listdir(REPO)) == before
    for device in ("/dev/null", "/dev/full"):
        assert stat.S_ISCHR(os.stat(device).st_mode)


@pytest.mark.parametrize(("loaded", "status"), [(None, 0), (None, 1), ("tensorflow", 0),
                                                ("tensorflow", 1), ("jax", 130)])
def test_the_command_ends_at_once_after_a_demo_and_normally_after_a_lookup(
        monkeypatch, capsys, loaded, status):
    from cheatsheet import cli

    ended = []

    class Ended(Exception):
        pass

    def end_now(code):
        ended.append((code, capsys.readouterr().out))  # what was flushed before the end
        raise Ended

    def command():
        sys.stdout.write("the last line, not yet flushed\n")
        return status

    monkeypatch.setattr(cli, "main", command)
    monkeypatch.setattr(os, "_exit", end_now)
    for name in cli.SLOW_TO_TEAR_DOWN:
        monkeypatch.delitem(sys.modules, name, raising=False)
    if loaded:
        monkeypatch.setitem(sys.modules, loaded, object())
        with pytest.raises(Ended):
            cli.entry()
        assert ended == [(status, "the last line, not yet flushed\n")]
    else:
        assert cli.entry() == status and ended == []


@pytest.mark.slow
def test_a_demo_run_as_a_command_keeps_its_output_and_exit_status():
    out = run_python("-m", "cheatsheet", "run", "activations", "--json", "--seed", "3")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "ok"
    missed = run_python("-c", "import runpy, sys\n"
                        "from snippets import activations\n"
                        "real = activations.demo\n"
                        "activations.demo = lambda **k: {**real(**k), 'value': 1.0}\n"
                        "sys.argv = ['cheatsheet', 'run', 'activations']\n"
                        "runpy.run_module('cheatsheet', run_name='__main__')\n")
    assert missed.returncode == 1, missed.stderr
    assert "(target <= 1.00e-06): MISSED" in missed.stdout
    assert missed.stdout.splitlines()[-1].startswith("time ")  # the last line, flushed
