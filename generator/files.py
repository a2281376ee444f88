"""Read an input file safely: regular files only, with a size cap, and UTF-8 with its position."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from generator.problems import HandbookError

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISLNK, "a symbolic link"),
)


class UnsafeFile(HandbookError):
    """The file is missing, not a regular file, a refused symbolic link or too large."""


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a named pipe (FIFO)"), from its st_mode."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


@contextmanager
def open_regular_file(
    path: Path, *, max_bytes: int, follow_symlinks: bool = False
) -> Iterator[BinaryIO]:
    """path opened for binary reading; it must be a regular file of at most max_bytes.

    The type is checked with (l)stat *before* opening: opening a FIFO blocks until a writer
    comes, and opening a device can have side effects. The open itself uses O_NONBLOCK (and
    O_NOFOLLOW unless symlinks are followed) and checks the opened file again, so a file swapped
    between the check and the open cannot slip through either. Readers that stream the file
    stop at max_bytes themselves (see read_regular_file).
    """
    try:
        info = path.stat() if follow_symlinks else path.lstat()
    except FileNotFoundError:
        raise UnsafeFile(f"{path}: no such file") from None
    except OSError as exc:
        raise UnsafeFile(f"{path}: cannot read the file: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeFile(f"{path}: symbolic links are not allowed here; copy the file in")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFile(f"{path}: is {file_kind(info.st_mode)}, not a regular file")
    if info.st_size > max_bytes:
        raise too_large(path, max_bytes)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnsafeFile(f"{path}: cannot read the file: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as file:
        opened = os.fstat(file.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise UnsafeFile(f"{path}: is {file_kind(opened.st_mode)}, not a regular file")
        yield file


def too_large(path: Path, max_bytes: int) -> UnsafeFile:
    return UnsafeFile(f"{path}: the file is larger than the limit of {max_bytes:,} bytes")


def read_regular_file(path: Path, *, max_bytes: int, follow_symlinks: bool = False) -> bytes:
    """The bytes of path, which must be a regular file of at most max_bytes; UnsafeFile if not."""
    with open_regular_file(path, max_bytes=max_bytes, follow_symlinks=follow_symlinks) as file:
        data = file.read(max_bytes + 1)  # one byte more tells a file that grew past the cap
    if len(data) > max_bytes:
        raise too_large(path, max_bytes)
    return data


def utf8_position(raw: bytes, error: UnicodeDecodeError) -> tuple[int, int]:
    """The 1-based line and column (in bytes) of the first byte a UTF-8 decode refused."""
    line = raw.count(b"\n", 0, error.start) + 1
    col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
    return line, col
