"""Replace a file atomically: the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat


def write_atomically(path: str | os.PathLike, write) -> None:
    """Replace ``path`` by what ``write(handle)`` writes, or leave it untouched.

    The bytes go to a temporary file next to the target, named after it
    (``model.sklstm.<random>.tmp``), which then replaces the target in one
    rename. A symbolic link is written through: its target is replaced and
    the link stays. An existing file keeps its permission bits; a new one
    gets ``0o666`` less the umask, as ``open(path, "w")`` would. The
    temporary file is removed on every error, ``KeyboardInterrupt``
    included; only a process killed outright (SIGKILL, power loss) can leave
    it behind. ``OSError`` names ``path``, not the temporary file.
    """
    user_path = os.fspath(path)
    target = os.path.realpath(user_path)
    directory, name = os.path.split(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _naming(exc, user_path) from exc
    tmp = os.path.join(directory, f"{name}.{secrets.token_hex(4)}.tmp")
    try:
        # O_EXCL: never write into someone else's file; 0o666 lets the umask
        # decide the mode of a new file (mkstemp would make it 0o600).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _naming(exc, user_path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _naming(exc, user_path) from exc
        raise


def _naming(exc: OSError, path: str) -> OSError:
    """The same kind of OSError, about the user's path."""
    if exc.errno is None:
        return OSError(f"Cannot write the model file {path!r}: {exc}")
    return type(exc)(exc.errno, f"Cannot write the model file ({exc.strerror})", path)
