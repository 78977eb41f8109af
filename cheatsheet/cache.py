"""Cache files: what a lookup would otherwise work out from the same files every time.

A cache file holds one value beside the key it was made under, in marshal (standard library,
and the quickest thing Python reads back). A key names everything the value is made from: the
files read and the modules that read them, by path, size and modification time (file_stats),
a format number that changes with what the value holds (so a new layout is never read as an old
one), and whatever else its user adds; the file's name carries the package's version. The value
is read back only while the key is still the key of now; else it is made again and the file
rewritten. A cache file that is missing, corrupt, unreadable or unwritable is never an error:
the value is made from the files, as without one.

Users: the card index (cards/index.py), search's word index (cards/search.py), the template
words explain rejects a text on before it loads its patterns (explain/__init__.py), and the
keywords lint reads from Keras's layer classes (lint/keras_api.py, which adds to its file one
name at a time with load and store).
"""

import os

from . import __version__


def path(name):
    """$XDG_CACHE_HOME/keras-cheatsheet/ (else ~/.cache/keras-cheatsheet/), one file a name and
    version: `<name>-<version>.marshal`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "keras-cheatsheet", f"{name}-{__version__}.marshal")


def file_stats(paths):
    """((path, size, modification time in ns), ...): any edit of a file, even one that keeps its
    size, gives new stats. Raises OSError for a file that is not there."""
    stats = []
    for file_path in paths:
        info = os.stat(file_path)
        stats.append((file_path, info.st_size, info.st_mtime_ns))
    return tuple(stats)


def cached(name, key, build):
    """build()'s value, from cache file `name` while the key it was stored under is `key`; else
    build()'s, and the file (re)written. A key of None (one of its files is gone, say) means no
    cache: the value is built and not kept. The value must be what marshal can write: None,
    numbers, strings, bytes, tuples, lists, sets and dicts of them."""
    found = load(name, key)
    if found is not None:
        return found[0]
    value = build()
    store(name, key, value)
    return value


def load(name, key):
    """(value,) from cache file `name` while it was stored under `key`; else None (no file, a
    corrupt or unreadable one, another key, or a key of None)."""
    if key is None:
        return None
    import marshal

    try:
        with open(path(name), "rb") as file:
            stored_key, value = marshal.loads(file.read())
    except Exception:  # noqa: BLE001  missing, unreadable or corrupt: the caller builds it
        return None
    return (value,) if stored_key == key else None


def store(name, key, value):
    """Write `value` under `key` to cache file `name` (atomically: output.files.write_new). A
    key of None, a read-only home or a full disk: nothing is kept, and nothing is raised."""
    if key is None:
        return
    import marshal

    try:
        from .output.files import write_new

        file_path = path(name)
        os.makedirs(os.path.dirname(file_path), exist_ok=True)
        write_new(file_path, marshal.dumps((key, value)), force=True)
    except Exception:  # noqa: BLE001  a read-only home or a full disk: no cache, same value
        pass
