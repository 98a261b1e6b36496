"""A .gz file's decompressed bytes, all of them that can be read before any damage.

Python's gzip drops what it decompressed in the read that met the damage (up to a whole
block); a replay cut off or damaged part way must still give every line before it.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any, BinaryIO

_INFLATE = 1 << 16  # compressed bytes decompressed at once
_OUT = 1 << 20  # the most bytes one piece of input is let to decompress into at once


class DamagedReplay(Exception):
    """A compressed replay file cannot be read past this point; the message says why."""


class GzipStream(io.RawIOBase):
    """A .gz file's decompressed bytes, and all of them that can be read before damage.

    Python's gzip drops whatever it decompressed in the read that met the damage (up to
    a whole block), so here the damage is held back: the bytes before it are returned
    first and the next read raises DamagedReplay. Several members, one after another
    (with zero padding between), read as one stream, as gzip reads them.
    """

    def __init__(self, source: Path | BinaryIO) -> None:
        """`source`: the file's path, or the file open for reading (a pipe too)."""
        self._file = source.open("rb") if isinstance(source, Path) else source
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)  # with the gzip header
        self._input = b""  # read from the file, not yet decompressed
        self._output, self._at = b"", 0  # decompressed, and how much of it was returned
        self._between = False  # a member has ended: another may follow
        self._damage: str | None = None
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill `buffer` as far as the stream goes (a chunk's read is one call)."""
        view, filled = memoryview(buffer).cast("B"), 0
        while filled < len(view):
            if self._at == len(self._output):
                if self._damage is not None or self._ended:
                    break
                self._output, self._at = self._inflate_more(), 0
                continue
            size = min(len(view) - filled, len(self._output) - self._at)
            view[filled : filled + size] = memoryview(self._output)[self._at : self._at + size]
            self._at += size
            filled += size
        if not filled and self._damage is not None:
            raise DamagedReplay(self._damage)
        return filled

    def _inflate_more(self) -> bytes:
        """The next decompressed bytes (maybe none); sets `_ended` or `_damage`."""
        data = self._input or self._file.read(_INFLATE)
        self._input, at_end = b"", not data
        if self._between:
            data = data.lstrip(b"\0")
            if not data:
                self._ended = at_end
                return b""
            self._inflate, self._between = zlib.decompressobj(16 + zlib.MAX_WBITS), False
        before = self._inflate.copy()
        try:
            # Bounded: a small piece of a very compressible file may stand for a lot.
            # At the file's end it is still asked: it may hold output back.
            out = self._inflate.decompress(data, _OUT)
        except zlib.error as exc:
            self._damage = f"the compressed file is damaged ({str(exc).rpartition(': ')[2]})"
            return _before_damage(before, data)
        if self._inflate.eof:
            self._input, self._between = self._inflate.unused_data, True
        else:
            self._input = self._inflate.unconsumed_tail
            if at_end and not out:
                self._damage = "the compressed file ends early (cut off?)"
        return out

    def close(self) -> None:
        self._file.close()
        super().close()


def _before_damage(inflate: Any, data: bytes) -> bytes:
    """What `inflate` gives from `data` up to the byte it fails on: shorter and shorter
    pieces are tried on copies, so nothing it could read is lost."""
    out, step = [], len(data)
    while data and step:
        trial = inflate.copy()
        try:
            out.append(trial.decompress(data[:step]))
        except zlib.error:
            step //= 2
            continue
        inflate, data = trial, data[step:]
    return b"".join(out)
