"""Writing files for the user: never over their work without --force, never half-written."""

import os

from .errors import CheatsheetError


def target(path, default_name=None):
    """Where a write to `path` goes: `path`, or `path/default_name` when it is a directory."""
    path = os.fspath(path)
    if default_name is not None and os.path.isdir(path):
        return os.path.join(path, default_name)
    return path


def check_writable(path, force=False):
    """Refuse, before any long work, a write that write_new would refuse after it."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise CheatsheetError(f"{path} is a directory; name a file")
    if os.path.exists(path) and not force:
        raise CheatsheetError(f"{path} already exists; use --force to overwrite it")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CheatsheetError(f"no such directory: {directory}")
    return directory


def write_new(path, data, force=False):
    """Write `data` (str or bytes) to `path` atomically; refuse to replace a file unless `force`.

    The bytes go to a temporary file beside `path` first and are renamed over it only when
    complete, so an interrupted write leaves either the old file or none, never half of one.
    """
    path = os.fspath(path)
    directory = check_writable(path, force)
    if isinstance(data, str):
        data = data.encode("utf-8")
    import tempfile  # here, not at the top: lookups import this module and never write

    try:
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".cheatsheet-",
                                                 suffix=".tmp")
    except OSError as error:
        raise CheatsheetError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        umask = os.umask(0)  # mkstemp makes the file 0600; give it what open() would have
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(error, OSError):  # disk full, read-only, a directory in the way...
            raise CheatsheetError(f"cannot write {path}: {error.strerror or error}") from None
        raise
    return path
