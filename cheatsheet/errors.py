"""The one exception the CLI turns into `Error: ...` on stderr and exit status 1."""


class CheatsheetError(Exception):
    """A user-facing error: printed as one line on stderr, exit status 1."""
