"""The model file's container: a zip of a JSON manifest and checked members.

:mod:`sklstm.io._persistence` decides what goes in; this module writes members,
reads them back through the bounds of :mod:`sklstm.io._file_limits` (sizes
agreeing between manifest, zip header and inflated bytes; SHA-256 checked)
and checks the manifest's header.
"""

from __future__ import annotations

import hashlib
import zipfile

from . import _file_limits as limits

FORMAT_NAME = "sklstm"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"


def write_member(zf, name, data):
    # A fixed timestamp: saving the same model twice gives the same bytes.
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def corrupted(path, exc=None):
    detail = f" ({type(exc).__name__}: {exc})" if exc is not None else ""
    return ValueError(
        f"{path!r} is not a valid sklstm model file: it is not a readable zip "
        f"archive, or it is truncated or corrupted{detail}. Save the model "
        f"again with sklstm.save_model."
    )


def invalid(path, problem):
    return ValueError(
        f"{path!r} is not a valid sklstm model file: {problem}. Save the model "
        f"again with sklstm.save_model."
    )


class Reader:
    """Reads members of an open model archive, checking sizes and checksums."""

    def __init__(self, zf, path):
        self.zf = zf
        self.path = path
        self.declared: dict = {}
        self.version = FORMAT_VERSION

    def _info(self, name):
        try:
            return self.zf.getinfo(name)
        except KeyError:
            raise invalid(
                self.path, f"the member {name!r} is missing from the archive"
            ) from None

    def _read(self, info, size):
        try:
            return limits.read_member(self.zf, info, size)
        except limits.LimitExceeded as exc:
            raise invalid(self.path, str(exc)) from exc
        except Exception as exc:  # BadZipFile (CRC), EOFError, zlib.error, ...
            raise corrupted(self.path, exc) from exc

    def manifest(self):
        info = self._info(MANIFEST)
        if info.file_size > limits.MAX_MANIFEST_BYTES:
            raise invalid(
                self.path,
                f"{MANIFEST} is {info.file_size} bytes, more than the "
                f"{limits.MAX_MANIFEST_BYTES} a model's manifest needs",
            )
        try:
            manifest = limits.parse_manifest(self._read(info, info.file_size))
        except limits.LimitExceeded as exc:
            raise invalid(self.path, str(exc)) from exc
        if not isinstance(manifest, dict):
            raise invalid(self.path, f"{MANIFEST} is not a JSON object")
        return manifest

    def size(self, name):
        """A member's size as the manifest records it (checked, nothing read)."""
        if not isinstance(name, str):
            raise invalid(self.path, f"a member name is not a string: {name!r:.80}")
        entry = self.declared.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise invalid(
                self.path, f"the member {name!r} has no SHA-256 in the manifest"
            )
        size = entry.get("size")
        if not limits.plausible_size(size):
            raise invalid(self.path, f"the member {name!r} has no valid size")
        if self._info(name).file_size != size:
            raise invalid(
                self.path,
                f"the member {name!r} has another size in the zip header than "
                f"in the manifest",
            )
        return size

    def member(self, name):
        size = self.size(name)
        data = self._read(self._info(name), size)
        if sha256(data) != self.declared[name]["sha256"].lower():
            raise ValueError(
                f"The member {name!r} of {self.path!r} does not match the "
                f"SHA-256 recorded in its manifest: the file was tampered with "
                f"or corrupted. Do not use it; save the model again with "
                f"sklstm.save_model."
            )
        return data


def check_header(manifest, path):
    name = manifest.get("format")
    if name != FORMAT_NAME:
        raise invalid(
            path, f"the manifest names the format {name!r}, expected {FORMAT_NAME!r}"
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise invalid(path, f"format_version {version!r} is not a positive integer")
    if version > FORMAT_VERSION:
        from .._version import __version__

        written_by = manifest.get("sklstm_version", "a newer version")
        raise ValueError(
            f"{path!r} has format_version {version}, written by a newer sklstm "
            f"({written_by!s:.40}); this sklstm ({__version__}) reads "
            f"format_version {FORMAT_VERSION} and older. Upgrade sklstm to load it."
        )
    return version
