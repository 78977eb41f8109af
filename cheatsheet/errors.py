"""Every exit status of `cheatsheet`, by name, and the exceptions the CLI turns into one line
of `Error: ...` on stderr and one of those statuses."""

import enum

WORD_LIMIT = 60  # characters of a user's word an error quotes: enough to recognise it


class ExitStatus(enum.IntEnum):
    """What `cheatsheet` exits with (httpie's ExitStatus): cli.main decides, each command
    returns one, and lint's are ruff's."""

    OK = 0  # done: every card met its target, no lint finding, every quiz answer right
    FAILED = 1  # refused with one line of error; a target missed, a lint finding, a wrong answer
    USAGE = 2  # bad usage (argparse's own status); no Keras backend; a file lint cannot read
    INTERNAL_ERROR = 70  # a bug in this program (sysexits' EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as a shell reports it


class CheatsheetError(Exception):
    """A user-facing error: printed as one line on stderr, exit status FAILED."""

    exit_status = ExitStatus.FAILED


class MissingLibrary(CheatsheetError):
    """Keras's backend (or Keras) is not installed: `run`, `check` and `plot` say which extra to
    install, exit status USAGE, as for a command the install cannot carry out."""

    exit_status = ExitStatus.USAGE


def shown(text, limit=WORD_LIMIT):
    """A user's word as an error quotes it: one line (control characters escaped) and at most
    about `limit` characters, its start and end kept (a path's file name is at its end)."""
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return f"{text[:half]}...{text[-half:]}"
