"""The one write policy of every command that writes a file (copy, export, plot, run --plot).

- Only regular files: a directory, device, FIFO or socket is refused, with or without --force.
- An existing file, a symbolic link included (dangling or not), is replaced only with --force;
  with --force a link is written through: the file it points to gets the new bytes, the link
  stays a link.
- A replaced file keeps its permission bits; a new one gets what open() would give it.
- Atomic: the bytes go to a temporary file beside the target, are fsynced, and are renamed over
  it only when complete; on any failure, an interrupt included, the temporary file is removed.
- `-` means standard output; the commands that write text handle it before coming here.

check_writable() decides every refusal, so a command calls it before its long work (training,
drawing) and write_new() calls it again just before writing.
"""

import contextlib
import os
import stat

from ..errors import CheatsheetError, shown

STDOUT = "-"


def target(path, default_name=None):
    """Where a write to `path` goes: `path`, or `path/default_name` when it is a directory."""
    path = os.fspath(path)
    if default_name is not None and path not in ("", STDOUT) and os.path.isdir(path):
        return os.path.join(path, default_name)
    return path


def not_regular(mode):
    """What a file of this mode is, when it is not a regular file ("a device"), else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_directory(directory):
    """Refuse a folder that is missing ("no such directory") or is a file ("not a directory")."""
    if os.path.isdir(directory):
        if not os.access(directory, os.W_OK | os.X_OK):
            raise CheatsheetError(f"cannot write in {shown(directory)}: permission denied")
        return
    probe = directory
    while probe and not os.path.lexists(probe):  # up to the part of the path that exists
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if probe and os.path.lexists(probe) and not os.path.isdir(probe):
        raise CheatsheetError(f"not a directory: {shown(probe)}")
    raise CheatsheetError(f"no such directory: {shown(directory)}")


def lstat_or_none(path):
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None  # check_directory says which part of the path is wrong
    except OSError as error:
        raise CheatsheetError(f"cannot write {shown(path)}: {error.strerror}") from None


def check_writable(path, force=False):
    """Refuse now, before any long work, every write that write_new would refuse later.

    Returns the file the bytes will land in: `path`, or the file a symbolic link points to.
    """
    path = os.fspath(path)
    if path == "":
        raise CheatsheetError("empty path; name a file")
    if path == STDOUT:
        raise CheatsheetError("'-' (standard output) takes text only; name a file")
    if "\0" in path:
        raise CheatsheetError(f"a path cannot hold a NUL character: {shown(path)}")
    if path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
        check_directory(path.rstrip(os.sep + (os.altsep or "")) or os.sep)  # "missing/"
        raise CheatsheetError(f"{shown(path)} is a directory; name a file")
    real, info = path, lstat_or_none(path)
    if info is not None and stat.S_ISLNK(info.st_mode):
        if not force:
            raise CheatsheetError(f"{shown(path)} already exists (a symbolic link); use --force "
                                  "to overwrite the file it points to")
        real = os.path.realpath(path)
        info = lstat_or_none(real)
        if info is not None and stat.S_ISLNK(info.st_mode):
            raise CheatsheetError(f"{shown(path)} is a loop of symbolic links; name a file")
    if info is not None:
        kind = not_regular(info.st_mode)
        if kind == "a directory":
            raise CheatsheetError(f"{shown(path)} is a directory; name a file")
        if kind is not None:
            raise CheatsheetError(f"{shown(path)} is {kind}, not a regular file; name a file")
        if not force:
            raise CheatsheetError(f"{shown(path)} already exists; use --force to overwrite it")
    check_directory(os.path.dirname(real) or os.curdir)
    return real


def write_new(path, data, force=False):
    """Write `data` (str or bytes) to `path` by the policy above; return `path`.

    The bytes go to a temporary file beside the file first and are renamed over it only when
    complete and on disk, so an interrupted write leaves either the old file or none, never
    half of one, and never a stray temporary file.
    """
    path = os.fspath(path)
    real = check_writable(path, force)
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = os.path.dirname(real) or os.curdir
    try:
        replaced = os.stat(real)
    except OSError:
        replaced = None
    import tempfile  # here, not at the top: lookups import this module and never write

    try:
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".cheatsheet-",
                                                 suffix=".tmp")
    except OSError as error:
        raise CheatsheetError(f"cannot write {shown(path)}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if replaced is not None:  # keep the replaced file's permission bits (and owner, as root)
            mode = stat.S_IMODE(replaced.st_mode) & 0o777
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                with contextlib.suppress(OSError):
                    os.chown(temporary, replaced.st_uid, replaced.st_gid)
        else:  # mkstemp makes the file 0600; give it what open() would have
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):  # disk full, read-only, a directory in the way...
            raise CheatsheetError(f"cannot write {shown(path)}: {error.strerror or error}"
                                  ) from None
        raise
    sync_directory(directory)
    return path


def sync_directory(directory):
    """Put the rename itself on disk too (best effort: not every system can open a folder)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
