"""How save_model writes a file: atomically, keeping permissions and links."""

import os
import stat

import _model_files
import pytest
from _model_files import TINY

from sklstm import LSTMRegressor, SlidingWindowTransformer
from sklstm.io import _persistence as persistence
from sklstm.io._persistence import load_model, save_model

seq3 = _model_files.seq3


@pytest.fixture(scope="module")
def window():
    return SlidingWindowTransformer(window_length=2).fit([1.0, 2.0, 3.0])


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_umask_default(umask, window, tmp_path):
    old = os.umask(umask)
    try:
        save_model(window, tmp_path / "w.sklstm")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "w.sklstm") == 0o666 & ~umask


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_an_overwritten_file_keeps_its_permissions(window, tmp_path):
    path = tmp_path / "w.sklstm"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    save_model(window, path)
    assert _mode(path) == 0o640
    assert load_model(path).history_.shape == (1, 1)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symlink_is_written_through(window, tmp_path):
    target = tmp_path / "models" / "v3.sklstm"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "current.sklstm"
    link.symlink_to(target)
    save_model(window, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert load_model(target).history_.shape == (1, 1)
    assert sorted(os.listdir(target.parent)) == ["v3.sklstm"]
    assert sorted(os.listdir(tmp_path)) == ["current.sklstm", "models"]


def test_the_temporary_file_is_short_and_beside_the_target(
    window, tmp_path, monkeypatch
):
    # Short whatever the target's name, so that any valid name can be saved.
    seen = set()
    write_member = persistence.write_member

    def spy(zf, name, data):
        seen.update(os.listdir(tmp_path))
        write_member(zf, name, data)

    monkeypatch.setattr(persistence, "write_member", spy)
    save_model(window, tmp_path / ("w" * 200 + ".sklstm"))
    (temporary,) = seen
    assert temporary.startswith(".sklstm-") and temporary.endswith(".tmp")
    assert len(temporary) <= 32
    assert os.listdir(tmp_path) == ["w" * 200 + ".sklstm"]


@pytest.mark.parametrize("length", [243, 255])
def test_a_name_of_the_longest_valid_length_saves(length, window, tmp_path):
    name = "m" * (length - len(".sklstm")) + ".sklstm"
    try:
        (tmp_path / name).touch()  # the file system's own limit
        (tmp_path / name).unlink()
    except OSError:
        pytest.skip(f"{length}-character names are not valid here")
    save_model(window, tmp_path / name)
    assert load_model(tmp_path / name).history_.shape == (1, 1)
    assert os.listdir(tmp_path) == [name]


@pytest.mark.skipif(os.name != "posix", reason="directories are fsynced on POSIX")
def test_a_save_is_flushed_to_disk_before_and_after_the_rename(
    window, tmp_path, monkeypatch
):
    # As sqlite and git do: the file's bytes reach the disk before the rename
    # makes them the model, and the folder's entry after it, so a power loss
    # leaves the old file or the whole new one, never an empty one.
    events = []
    fsync, replace = os.fsync, os.replace

    def spy_fsync(fd):
        kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        if kind == "file":
            events.append(("fsync file", os.fstat(fd).st_size))
        else:
            events.append(("fsync folder", sorted(os.listdir(tmp_path))))
        fsync(fd)

    def spy_replace(src, dst):
        events.append(("rename", os.path.basename(dst)))
        replace(src, dst)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    save_model(window, tmp_path / "w.sklstm")
    size = os.path.getsize(tmp_path / "w.sklstm")
    assert events == [
        ("fsync file", size),
        ("rename", "w.sklstm"),
        ("fsync folder", ["w.sklstm"]),
    ]


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError, MemoryError])
def test_an_interrupted_save_leaves_the_old_file_and_no_temporary(
    error, window, tmp_path, monkeypatch, seq3
):
    X, y, _ = seq3
    path = tmp_path / "model.sklstm"
    save_model(LSTMRegressor(**TINY).fit(X, y), path)
    before = path.read_bytes()

    def fail(zf, name, data):
        raise error(28, "No space left on device") if error is OSError else error()

    monkeypatch.setattr(persistence, "write_member", fail)
    with pytest.raises(error) as info:
        save_model(window, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.sklstm"]
    if error is OSError:
        # The user's path, not the temporary file, is named.
        assert info.value.filename == str(path)
        assert "model.sklstm" in str(info.value) and ".tmp" not in str(info.value)


def test_a_missing_directory_names_the_users_path(window, tmp_path):
    path = tmp_path / "no" / "such" / "dir" / "w.sklstm"
    with pytest.raises(FileNotFoundError) as info:
        save_model(window, path)
    assert info.value.filename == str(path)
    assert "Cannot write the model file" in str(info.value)


def test_bytes_paths_save_and_load(window, tmp_path):
    # As open() takes them; save_model mixed them with a str suffix before.
    path = os.fsencode(tmp_path / "w.sklstm")
    save_model(window, path)
    assert load_model(path).history_.shape == (1, 1)
    assert os.listdir(tmp_path) == ["w.sklstm"]
