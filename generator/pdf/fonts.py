"""Fonts for any script: the bundled Lato first, then the Noto fonts the set-up installs.

Lato covers Latin only. Pango, WeasyPrint's text engine, draws every other character with the
first font in print.css's `font-family` list that has it (Noto Sans CJK JP, Noto Sans Arabic,
Noto Naskh Arabic, Noto Sans Hebrew), and otherwise with whatever installed font fontconfig
finds. The emoji font is never named in CSS: it has glyphs for digits, `#` and `*`, and named in
the list it would draw those (WeasyPrint issues 1848 and 2291); fontconfig finds it for emoji.

Coverage questions ("would any font draw this character?") are answered by fontconfig itself,
through its C library, so they match what Pango will find: the charsets fontconfig keeps in its
cache, checked per character. Nothing here loads a font file's glyphs.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import font_lato

FONT_DIR = Path(font_lato.__file__).resolve().parent / "files"  # the bundled font

BUNDLED_FACES = ("Lato-Regular.ttf", "Lato-Bold.ttf", "Lato-Italic.ttf")
FC_SET_SYSTEM = 0
FC_RESULT_MATCH = 0


class _FcFontSet(ctypes.Structure):
    _fields_ = (
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    )


def _find_library(name: str) -> str | None:
    from ctypes.util import find_library  # only when needed: an import, and it runs ldconfig

    return find_library(name)


@functools.cache
def _fontconfig() -> ctypes.CDLL | None:
    """libfontconfig (which Pango loads anyway), or None where it cannot be found."""
    # The usual Linux name first: find_library runs ldconfig, which takes a while.
    for name in ("libfontconfig.so.1", None):
        name = name or _find_library("fontconfig")
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.FcInit.restype = ctypes.c_int
        lib.FcConfigGetFonts.restype = ctypes.POINTER(_FcFontSet)
        lib.FcConfigGetFonts.argtypes = (ctypes.c_void_p, ctypes.c_int)
        lib.FcFreeTypeQuery.restype = ctypes.c_void_p
        lib.FcFreeTypeQuery.argtypes = (
            ctypes.c_char_p,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int),
        )
        lib.FcPatternGetCharSet.restype = ctypes.c_int
        lib.FcPatternGetCharSet.argtypes = (
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_void_p),
        )
        lib.FcPatternGetString.restype = ctypes.c_int
        lib.FcPatternGetString.argtypes = (
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_char_p),
        )
        lib.FcCharSetHasChar.restype = ctypes.c_int
        lib.FcCharSetHasChar.argtypes = (ctypes.c_void_p, ctypes.c_uint32)
        return lib
    return None


def _charset(lib: ctypes.CDLL, pattern: int) -> int | None:
    charset = ctypes.c_void_p()
    if lib.FcPatternGetCharSet(pattern, b"charset", 0, ctypes.byref(charset)) != FC_RESULT_MATCH:
        return None
    return charset.value


@functools.cache
def _bundled_charsets() -> tuple[int, ...]:
    """The charsets of the Lato faces the worksheets use (patterns are kept for the process)."""
    lib = _fontconfig()
    if lib is None:
        return ()
    found = []
    for face in BUNDLED_FACES:
        count = ctypes.c_int()
        pattern = lib.FcFreeTypeQuery(str(FONT_DIR / face).encode(), 0, None, ctypes.byref(count))
        if pattern and (charset := _charset(lib, pattern)) is not None:
            found.append(charset)
    return tuple(found)


@functools.cache
def _system_fonts() -> tuple[tuple[str, int], ...]:
    """(file, charset) of every font fontconfig knows: the ones Pango may fall back to."""
    lib = _fontconfig()
    if lib is None or not lib.FcInit():
        return ()
    fonts = lib.FcConfigGetFonts(None, FC_SET_SYSTEM)
    if not fonts:
        return ()
    found = []
    for n in range(fonts.contents.nfont):
        pattern = fonts.contents.fonts[n]
        file = ctypes.c_char_p()
        charset = _charset(lib, pattern)
        if charset is None:
            continue
        if lib.FcPatternGetString(pattern, b"file", 0, ctypes.byref(file)) == FC_RESULT_MATCH:
            found.append((os.fsdecode(file.value or b""), charset))
    return tuple(sorted(found))


def _ignorable(char: str) -> bool:
    """Characters no font needs to draw: controls, format marks, spaces, variation selectors."""
    return unicodedata.category(char)[0] in "CZ" or "VARIATION SELECTOR" in unicodedata.name(
        char, ""
    )


def lato_draws(chars: Iterable[str]) -> bool:
    """Whether every Lato face draws every character (no fallback font would set any)."""
    lib = _fontconfig()
    charsets = _bundled_charsets()
    if lib is None or not charsets:
        return False
    return all(
        all(lib.FcCharSetHasChar(charset, ord(c)) for charset in charsets)
        for c in set(chars)
        if not c.isascii() or c.isprintable()
    )


def uncovered(chars: Iterable[str]) -> set[str]:
    """The characters among `chars` that neither Lato nor any installed font can draw.

    Lato is asked first (a few microseconds); fontconfig's font list is read only when some
    character is not Latin, so a Latin-only catalog costs nothing here.
    """
    lib = _fontconfig()
    if lib is None:
        return set()  # no fontconfig: WeasyPrint could not run here either; say nothing
    todo = {c for c in chars if not c.isascii() and not _ignorable(c)}
    for charset in _bundled_charsets():
        todo = {c for c in todo if not lib.FcCharSetHasChar(charset, ord(c))}
    if not todo:
        return set()
    charsets = [charset for _, charset in _system_fonts()]
    return {c for c in todo if not any(lib.FcCharSetHasChar(cs, ord(c)) for cs in charsets)}


@functools.cache
def fallback_fingerprint() -> str:
    """Which fonts fontconfig offers (files and sizes): installing or removing a fallback font
    changes how non-Latin text prints, so cached PDFs must not outlive such a change."""
    digest = hashlib.sha256()
    for file, _ in _system_fonts():
        try:
            size = os.stat(file).st_size
        except OSError:
            size = -1
        digest.update(f"{file}\0{size}\0".encode())
    return digest.hexdigest()
