"""Writing files for the user: never over their work without --force, never half-written."""

import os

from .errors import CheatsheetError


def write_new(path, data, force=False):
    """Write `data` (str or bytes) to `path` atomically; refuse to replace a file unless `force`.

    The bytes go to a temporary file beside `path` first and are renamed over it only when
    complete, so an interrupted write leaves either the old file or none, never half of one.
    """
    path = os.fspath(path)
    if os.path.exists(path) and not force:
        raise CheatsheetError(f"{path} already exists; use --force to overwrite it")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CheatsheetError(f"no such directory: {directory}")
    if isinstance(data, str):
        data = data.encode("utf-8")
    import tempfile  # here, not at the top: lookups import this module and never write

    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".cheatsheet-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        umask = os.umask(0)  # mkstemp makes the file 0600; give it what open() would have
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path
