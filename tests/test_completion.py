"""`completion bash|zsh|fish`: static scripts, read from the parser, that a real shell runs."""

import shutil
import subprocess

import pytest

from cheatsheet.cards import index
from cheatsheet.cli import build_parser
from cheatsheet.demos import plots
from cheatsheet.output import export

from .conftest import heavy_imports_after

COMMANDS = list(build_parser()._subparsers._group_actions[0].choices)
NAMES = [name for card in index.CARDS for name in (card.topic, *card.aliases)]


def script(cli, shell):
    result = cli("completion", shell)
    assert result.status == 0 and result.err == ""
    return result.out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_command_topic_alias_and_plot_is_in_the_script(cli, shell):
    words = set(script(cli, shell).replace("'", " ").replace('"', " ").replace(":", " ").split())
    assert "completion" in COMMANDS and len(COMMANDS) >= 10
    format_option = "format" if shell == "fish" else "--format"  # fish: -l format
    missing = [name for name in COMMANDS + NAMES + list(plots.PLOTS) + [format_option, "markdown"]
               if name not in words]
    assert missing == []


def test_completion_is_a_lookup_that_imports_nothing_heavy():
    assert heavy_imports_after(["completion", "bash"], ["completion", "zsh"],
                               ["completion", "fish"]) == set()


def test_an_unknown_shell_is_a_usage_error(cli):
    result = cli("completion", "powershell")
    assert result.status == 2 and "invalid choice: 'powershell'" in result.err


def complete(path, *words):
    """What bash offers for `cheatsheet WORDS<TAB>` with the script sourced: COMPREPLY."""
    probe = ('source "$1"; shift; COMP_WORDS=(cheatsheet "$@"); COMP_CWORD=$#; COMPREPLY=(); '
             '_cheatsheet; printf "%s\\n" "${COMPREPLY[@]}"; complete -p cheatsheet >&2')
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", probe, "bash", str(path),
                             *words], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "complete -F _cheatsheet cheatsheet"
    return result.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash here")
def test_bash_completes_commands_topics_choices_and_files(cli, tmp_path):
    path = tmp_path / "cheatsheet.bash"
    path.write_text(script(cli, "bash"))
    assert complete(path, "sh") == ["show"]
    assert complete(path, "show", "tr") == [name for name in NAMES if name.startswith("tr")]
    assert "transformer" in complete(path, "show", "tr")
    assert complete(path, "") == COMMANDS  # no options until a dash is typed
    assert complete(path, "-") == ["-h", "--help", "--version"]
    assert complete(path, "show", "--c") == ["--color", "--code"]
    assert complete(path, "show", "--color", "") == ["auto", "always", "never"]
    assert complete(path, "export", "--format", "") == list(export.FORMATS)
    assert complete(path, "plot", "") == list(plots.PLOTS)
    early = complete(path, "plot", "gan", "--topic", "early-st")  # a card for the curves
    assert early == ["early-stopping", "early-stop"]
    assert complete(path, "run", "--seed", "") == []  # a number: nothing to offer
    assert complete(path, "search", "") == []  # a learner's own words
    assert complete(path, "completion", "") == ["bash", "zsh", "fish"]
    (tmp_path / "lab.py").write_text("")
    assert complete(path, "copy", "cnn", "--to", str(tmp_path / "la")) == [str(tmp_path / "lab.py")]


def test_zsh_script_parses(cli, tmp_path):
    text = script(cli, "zsh")
    assert text.startswith("#compdef cheatsheet\n")
    assert text.count(" case ") == text.count(" esac") and "compdef _cheatsheet cheatsheet" in text
    if shutil.which("zsh"):
        path = tmp_path / "_cheatsheet"
        path.write_text(text)
        result = subprocess.run(["zsh", "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_fish_script_parses(cli, tmp_path):
    text = script(cli, "fish")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert all(line.startswith("complete -c cheatsheet ") for line in lines)
    assert all(line.count("'") % 2 == 0 or "\\'" in line for line in lines)
    if shutil.which("fish"):
        path = tmp_path / "cheatsheet.fish"
        path.write_text(text)
        result = subprocess.run(["fish", "--no-execute", str(path)], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr
