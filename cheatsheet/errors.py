"""The exceptions the CLI turns into `Error: ...` on stderr and exit status 1 (2: no backend)."""

WORD_LIMIT = 60  # characters of a user's word an error quotes: enough to recognise it


class CheatsheetError(Exception):
    """A user-facing error: printed as one line on stderr, exit status 1."""

    exit_status = 1


class MissingLibrary(CheatsheetError):
    """Keras's backend (or Keras) is not installed: `run`, `check` and `plot` say which extra to
    install, exit status 2, as for a command the install cannot carry out."""

    exit_status = 2


def shown(text, limit=WORD_LIMIT):
    """A user's word as an error quotes it: one line (control characters escaped) and at most
    about `limit` characters, its start and end kept (a path's file name is at its end)."""
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return f"{text[:half]}...{text[-half:]}"
