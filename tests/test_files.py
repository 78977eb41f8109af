import os

import pytest

from cheatsheet.errors import CheatsheetError
from cheatsheet.output.files import check_writable, target, write_new


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


# -- the write policy, case by case (device, FIFO and symlink cases hold as root too) -------------

def test_a_device_is_never_written_with_or_without_force():
    for force in (False, True):
        with pytest.raises(CheatsheetError, match=r"^/dev/null is a device, not a regular file"):
            write_new("/dev/null", b"x", force=force)
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_a_fifo_and_a_socket_are_refused(tmp_path):
    import socket

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(CheatsheetError, match="is a FIFO .*, not a regular file"):
        write_new(fifo, "x", force=True)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        with pytest.raises(CheatsheetError, match="is a socket, not a regular file"):
            check_writable(tmp_path / "sock", force=True)
    finally:
        server.close()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fifo", "sock"]


def test_a_symlink_is_an_existing_file_and_force_writes_through_it(tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text("my work\n")
    link = tmp_path / "link.py"
    link.symlink_to("mine.py")
    with pytest.raises(CheatsheetError, match="already exists \\(a symbolic link\\); use --force"):
        write_new(link, "new")
    assert mine.read_text() == "my work\n"
    assert write_new(link, "new", force=True) == str(link)
    assert link.is_symlink() and os.readlink(link) == "mine.py"  # the link stays a link
    assert mine.read_text() == "new"  # and the file it points to has the new bytes
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link.py", "mine.py"]


def test_a_dangling_symlink_is_refused_without_force_and_created_through_with_it(tmp_path):
    link = tmp_path / "dangling.py"
    link.symlink_to("made.py")
    with pytest.raises(CheatsheetError, match="already exists"):
        write_new(link, "x")
    assert not (tmp_path / "made.py").exists()
    write_new(link, "x", force=True)
    assert link.is_symlink() and (tmp_path / "made.py").read_text() == "x"


def test_a_symlink_to_a_device_or_a_loop_is_refused_even_with_force(tmp_path):
    (tmp_path / "null").symlink_to("/dev/null")
    with pytest.raises(CheatsheetError, match="is a device"):
        write_new(tmp_path / "null", "x", force=True)
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(CheatsheetError, match="loop of symbolic links"):
        write_new(tmp_path / "a", "x", force=True)


def test_force_keeps_the_permission_bits_of_the_replaced_file(tmp_path):
    script = tmp_path / "exe.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o751)
    write_new(script, "#!/bin/sh\necho new\n", force=True)
    assert script.stat().st_mode & 0o7777 == 0o751
    assert script.read_text().endswith("echo new\n")


def test_the_bytes_are_fsynced_before_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda *a: (calls.append("replace"), real_replace(*a))[1])
    write_new(tmp_path / "lab.py", "x")
    assert calls[:2] == ["fsync", "replace"]


@pytest.mark.parametrize("failing", ["write", "fsync", "chmod"])
def test_no_temporary_file_is_left_whatever_step_fails(tmp_path, monkeypatch, failing):
    def fail(*_args, **_kwargs):
        raise KeyboardInterrupt if failing == "fsync" else OSError(28, "No space left on device")

    if failing == "write":  # the disk fills up half way through the bytes
        real_fdopen = os.fdopen

        class FullDisk:
            def __init__(self, *args, **kwargs):
                self.file = real_fdopen(*args, **kwargs)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.file.close()

            write = fail

        monkeypatch.setattr(os, "fdopen", FullDisk)
    else:
        monkeypatch.setattr(os, failing, fail)
    with pytest.raises((CheatsheetError, KeyboardInterrupt)):
        write_new(tmp_path / "lab.py", "x" * 10_000)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("path", "message"), [
    ("", "empty path; name a file"),
    ("missing/", "no such directory: missing"),
    ("missing/lab.py", "no such directory: missing"),
    ("a/b/lab.py", "no such directory: a/b"),
    ("afile/x.py", "not a directory: afile"),
    ("afile/", "not a directory: afile"),
    ("folder/", "folder/ is a directory; name a file"),
    ("-", "'-' (standard output) takes text only; name a file"),
])
def test_refusals_name_the_exact_part_of_the_path(tmp_path, monkeypatch, path, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("")
    (tmp_path / "folder").mkdir()
    with pytest.raises(CheatsheetError) as error:
        check_writable(path, force=True)
    assert str(error.value) == message
    assert sorted(os.listdir(tmp_path)) == ["afile", "folder"]


def test_a_long_or_unprintable_path_is_quoted_short_and_on_one_line(tmp_path):
    with pytest.raises(CheatsheetError) as error:
        check_writable(tmp_path / ("x" * 200) / "a\nb.py")
    assert len(str(error.value)) < 100 and "\n" not in str(error.value)
    assert str(error.value).startswith("no such directory: ")
