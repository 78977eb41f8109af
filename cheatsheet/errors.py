"""The one exception the CLI turns into `Error: ...` on stderr and exit status 1."""

WORD_LIMIT = 60  # characters of a user's word an error quotes: enough to recognise it


class CheatsheetError(Exception):
    """A user-facing error: printed as one line on stderr, exit status 1."""


def shown(text, limit=WORD_LIMIT):
    """A user's word as an error quotes it: one line (control characters escaped) and at most
    about `limit` characters, its start and end kept (a path's file name is at its end)."""
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return f"{text[:half]}...{text[-half:]}"
