"""The transcripts in README.md, CONTRIBUTING.md and docs/*.md, re-run (issue 32).

A transcript is a ```text block whose first line starts with `$ `. Each `$ ` line is a shell
command; the lines after it, up to the next `$ ` line, are what it printed (stdout and stderr, as
a terminal shows them). The command runs in bash, in a pseudo-terminal as a learner's shell
would run it (so `list` groups by section), without colour, 100 columns wide, in an empty
folder, with this checkout's `cheatsheet` first on PATH.

Lookups must print exactly what the transcript shows. Commands that train (`run`, `check`,
`plot`, and the html export, which draws the cards' pictures) are compared by shape: every
number may differ, and a line `...` stands for any lines (TensorFlow's log lines, the epochs
between the first and the last).

    python -m tests.transcripts [FILE ...]   rewrite the transcripts' outputs from real runs
"""

import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILES = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
TRAINING = re.compile(r"^(\S+=\S+ )*cheatsheet (run|check|plot|export --format html)\b")
NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?")
ELISION = "..."


class Transcript:
    """One command of a transcript block: where it is, what it runs, what it printed."""

    def __init__(self, path, line, command, output, files=None):
        self.path, self.line, self.command, self.output = path, line, command, output
        self.files = files or {}  # {name: text} the command finds in its folder

    @property
    def trains(self):
        return bool(TRAINING.match(self.command))

    def __repr__(self):
        return f"{self.path.name}:{self.line}: $ {self.command}"


FILE_MARK = re.compile(r"<!-- file: (\S+) -->")


def blocks(path):
    """Every transcript block of a Markdown file: a list of Transcript, in order. A code block
    right after a `<!-- file: NAME -->` line is a file the later blocks' commands find in their
    folder (a lab script that `lint` reads, say): it is in every later Transcript's `files`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, files, index = [], {}, 0
    while index < len(lines):
        mark = FILE_MARK.fullmatch(lines[index].strip())
        if mark and lines[index + 1].startswith("```"):
            end = next(number for number in range(index + 2, len(lines))
                       if lines[number].startswith("```"))
            files[mark.group(1)] = "\n".join(lines[index + 2:end]) + "\n"
            index = end + 1
            continue
        if lines[index].strip() == "```text" and lines[index + 1].startswith("$ "):
            index += 1
            block = []
            while not lines[index].startswith("```"):
                start, command = index + 1, lines[index][2:]
                index += 1
                output = []
                while not lines[index].startswith(("$ ", "```")):
                    output.append(lines[index])
                    index += 1
                block.append(Transcript(path, start, command, output, dict(files)))
            found.append(block)
        index += 1
    return found


def transcripts(path):
    """Every Transcript in a Markdown file, in order."""
    return [transcript for block in blocks(path) for transcript in block]


def environment():
    """What the commands run with: this checkout's cheatsheet, no colour, 100 columns."""
    bin_dir = os.path.dirname(sys.executable)
    return {**os.environ, "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
            "NO_COLOR": "1", "COLUMNS": "100", "LINES": "50", "TERM": "xterm",
            "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(REPO)}


def lay_out(transcript, folder):
    """Write the files a transcript's block may read into its folder."""
    for name, text in transcript.files.items():
        target = Path(folder) / name
        if not target.exists():
            target.write_text(text, encoding="utf-8")


def run(command, cwd, timeout=600):
    """What `command` prints in a pseudo-terminal (stdout and stderr, as a terminal shows them)
    for a command that shows it on a terminal; a training command's Keras progress lines are
    those of a pipe (one line an epoch), as a transcript can show them."""
    if TRAINING.match(command):
        done = subprocess.run(["bash", "-c", command + " 2>&1"], cwd=cwd, env=environment(),
                              stdout=subprocess.PIPE, timeout=timeout, text=True)
        return done.stdout.splitlines()
    primary, secondary = os.openpty()
    chunks = []

    def read():
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    process = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=environment(),
                               stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary)
    os.close(secondary)
    reader = threading.Thread(target=read)
    reader.start()
    process.wait(timeout=timeout)
    reader.join(timeout=10)
    os.close(primary)
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return text.splitlines()


def shape(line):
    """A printed line as a pattern in which every number may differ, and with it the spaces
    that align a column of numbers."""
    parts, last = [], 0
    for match in NUMBER.finditer(line):
        parts.append(literal(line[last:match.start()]))
        parts.append(NUMBER.pattern)
        last = match.end()
    parts.append(literal(line[last:]))
    return re.compile("".join(parts))


def literal(text):
    """Text as a pattern: itself, each run of spaces any run of spaces."""
    return " +".join(re.escape(piece) for piece in re.split(r" +", text))


def same_shape(expected, actual):
    """Whether `actual` lines fit `expected`, numbers free and `...` any lines."""
    if not expected:
        return not actual
    if expected[0].strip() == ELISION:
        return any(same_shape(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and bool(shape(expected[0].rstrip()).fullmatch(actual[0].rstrip())) \
        and same_shape(expected[1:], actual[1:])


def clean(lines):
    return [line.rstrip() for line in lines]


# What TensorFlow's C++ libraries print on stderr, whatever TF_CPP_MIN_LOG_LEVEL says.
LIBRARY_LOG = re.compile(r"^(WARNING: All log messages|[IWEF]\d{4} |To enable the following|"
                         r"INFO: Created TensorFlow Lite)")
EPOCH = re.compile(r"^Epoch (\d+)/(\d+)$")


def elide(lines):
    """A training command's output as a transcript shows it: each run of the libraries' log
    lines, and the epochs between the first and the last, as one `...` line."""
    shown, index = [], 0
    while index < len(lines):
        line = lines[index]
        epoch = EPOCH.match(line)
        if LIBRARY_LOG.match(line):
            while index < len(lines) and LIBRARY_LOG.match(lines[index]):
                index += 1
            shown.append(ELISION)
            continue
        if epoch and epoch.group(1) == "2" and epoch.group(2) != "2":
            last = f"Epoch {epoch.group(2)}/{epoch.group(2)}"
            index = lines.index(last, index)
            shown.append(ELISION)
            continue
        shown.append(line)
        index += 1
    return shown


def update(path):
    """Rewrite every transcript's output in `path` from a real run (lookups and training)."""
    text = path.read_text(encoding="utf-8").splitlines()
    replacements = []
    for block in blocks(path):
        with tempfile.TemporaryDirectory() as folder:  # one folder a block, as the test runs it
            for transcript in block:
                lay_out(transcript, folder)
                printed = clean(run(transcript.command, folder))
                replacements.append((transcript, elide(printed) if transcript.trains else printed))
    for transcript, printed in reversed(replacements):
        start = transcript.line
        text[start:start + len(transcript.output)] = printed
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


if __name__ == "__main__":
    for name in sys.argv[1:] or [str(path) for path in FILES if path.exists()]:
        update(Path(name))
        print(f"updated {name}")
