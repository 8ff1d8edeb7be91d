"""Replace a file atomically and durably: the old file or the whole new one."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat


def write_atomically(path: str | os.PathLike, write) -> None:
    """Replace ``path`` by what ``write(handle)`` writes, or leave it untouched.

    The bytes go to a temporary file in the target's folder with a short
    name of its own (``.sklstm-<random>.tmp``, so that any name valid for
    the target is valid for the save), are flushed to the disk, and the
    temporary file then replaces the target in one rename, after which the
    folder is flushed too (as sqlite and git do): once this returns, a power
    loss leaves the new file, and before that the old one, never an empty
    or partial one. A symbolic link is written through: its target is
    replaced and the link stays. An existing file keeps its permission
    bits; a new one gets ``0o666`` less the umask, as ``open(path, "w")``
    would. The temporary file is removed on every error,
    ``KeyboardInterrupt`` included; only a process killed outright (SIGKILL,
    power loss) can leave it behind. ``OSError`` names ``path``, not the
    temporary file.
    """
    user_path = os.fsdecode(path)  # bytes too, as open() takes them
    target = os.path.realpath(user_path)
    directory = os.path.dirname(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _naming(exc, user_path) from exc
    tmp = os.path.join(directory, f".sklstm-{secrets.token_hex(8)}.tmp")
    try:
        # O_EXCL: never write into someone else's file; 0o666 lets the umask
        # decide the mode of a new file (mkstemp would make it 0o600).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _naming(exc, user_path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            # Without it, the rename can reach the disk before the data:
            # after a power loss, an empty file in the target's place.
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _naming(exc, user_path) from exc
        raise
    _sync_folder(directory, user_path)


# A folder that cannot be opened or flushed (Windows, some network and FUSE
# file systems): the rename stands, and there is nothing more to flush.
_NO_FOLDER_SYNC = {errno.EINVAL, errno.ENOTSUP, errno.EACCES, errno.EPERM, errno.EISDIR}


def _sync_folder(directory: str, user_path: str) -> None:
    """Flush the folder's entries, so that the rename itself is on disk."""
    if os.name != "posix":
        return  # directories cannot be opened for fsync elsewhere
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        if exc.errno in _NO_FOLDER_SYNC:
            return
        raise _naming(exc, user_path) from exc
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _NO_FOLDER_SYNC:
            raise _naming(exc, user_path) from exc
    finally:
        os.close(fd)


def _naming(exc: OSError, path: str) -> OSError:
    """The same kind of OSError, about the user's path."""
    if exc.errno is None:
        return OSError(f"Cannot write the model file {path!r}: {exc}")
    return type(exc)(exc.errno, f"Cannot write the model file ({exc.strerror})", path)
