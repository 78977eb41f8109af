import os

import pytest

from cheatsheet.errors import CheatsheetError
from cheatsheet.files import check_writable, target, write_new


def test_writes_a_new_file(tmp_path):
    target = tmp_path / "lab.py"
    write_new(target, "print('hi')\n")
    assert target.read_text() == "print('hi')\n"
    assert [path.name for path in tmp_path.iterdir()] == ["lab.py"]  # no temporary left behind


def test_refuses_to_overwrite_without_force_and_leaves_the_file_untouched(tmp_path):
    target = tmp_path / "lab.py"
    target.write_bytes(b"my own work\n")
    with pytest.raises(CheatsheetError, match="already exists; use --force"):
        write_new(target, "new")
    assert target.read_bytes() == b"my own work\n"
    write_new(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "lab.py"

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_new(target, "x" * 100_000)
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CheatsheetError, match="no such directory"):
        write_new(tmp_path / "nope" / "lab.py", "x")


def test_mode_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_new(tmp_path / "lab.py", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "lab.py").stat().st_mode & 0o777 == 0o644


def test_an_os_error_while_writing_is_one_clear_line(tmp_path, monkeypatch):
    def read_only(*_):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", read_only)
    with pytest.raises(CheatsheetError, match="cannot write .*lab.py: Permission denied"):
        write_new(tmp_path / "lab.py", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_is_not_a_file_to_write(tmp_path):
    with pytest.raises(CheatsheetError, match="is a directory"):
        check_writable(tmp_path, force=True)
    assert target(tmp_path, "cnn.py") == str(tmp_path / "cnn.py")
    assert target(tmp_path / "mine.py", "cnn.py") == str(tmp_path / "mine.py")
