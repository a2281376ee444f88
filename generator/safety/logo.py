"""The logo, by content rather than name: sniffed, decoded and written again before publishing.

Raster images are decoded whole with Pillow and re-encoded without metadata; SVGs are rebuilt
from an allow-list (generator.safety.svg). The published name comes from the sniffed type, so a
file called logo.html that starts like a PNG is published as a real logo.png or not at all.
"""

from __future__ import annotations

import functools
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

from generator.problems import HandbookError
from generator.safety.svg import UnsafeSvg, clean_svg

if TYPE_CHECKING:
    from generator.catalog.model import Catalog

MAX_LOGO_BYTES = 1024 * 1024
MAX_SIDE = 4096  # pixels; a logo needs far less, and 4096x4096 RGBA is 64 MB decoded
KINDS = {
    "png": (".png", "image/png"),
    "jpeg": (".jpg", "image/jpeg"),
    "webp": (".webp", "image/webp"),
    "svg": (".svg", "image/svg+xml"),
}
_OPENERS: dict[str, type[ImageFile.ImageFile]] = {
    "png": PngImagePlugin.PngImageFile,
    "jpeg": JpegImagePlugin.JpegImageFile,
    "webp": WebPImagePlugin.WebPImageFile,
}
_NAMES = {"png": "PNG", "jpeg": "JPEG", "webp": "WebP"}


class LogoError(HandbookError):
    """A logo that cannot be published; the message says which file and why."""


@dataclass(frozen=True)
class NormalizedLogo:
    """What gets published: the sniffed type and the rewritten bytes."""

    kind: str  # png | jpeg | webp | svg
    extension: str  # ".png", ".jpg", ".webp" or ".svg"
    data: bytes

    @property
    def mime(self) -> str:
        return KINDS[self.kind][1]

    @property
    def file_name(self) -> str:
        return "logo" + self.extension


def sniff(data: bytes) -> str | None:
    """'png', 'jpeg', 'webp' or 'svg' from the leading bytes (never the name); None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<"):
        return "svg"  # XML of some kind; parsing decides whether it really is an SVG
    return None


def _load_whole(image: ImageFile.ImageFile) -> None:
    """Decode every pixel; a truncated or corrupt file fails instead of being padded with grey."""
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import; builds run one
    # thread per process, so switching it off around this one load is safe.
    tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _decode(data: bytes, kind: str) -> Image.Image:
    """The first frame, fully decoded and upright; refuses images over MAX_SIDE before decoding."""
    # The format's own class reads the header only, so the size is known before any pixel is
    # decoded, and Pillow cannot guess a different format from the bytes.
    with _OPENERS[kind](io.BytesIO(data)) as image:
        width, height = image.size
        if width > MAX_SIDE or height > MAX_SIDE:
            raise LogoError(
                f"the image is {width}x{height} pixels; the limit is {MAX_SIDE}x{MAX_SIDE}"
                " pixels (scale it down)"
            )
        _load_whole(image)
        return ImageOps.exif_transpose(image)  # a copy, turned the way EXIF says it is shown


def _reencode(image: Image.Image, kind: str) -> bytes:
    """The pixels alone, in a fresh image (no EXIF, ICC, text chunks), encoded deterministically."""
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    if kind == "jpeg":
        mode = "L" if image.mode == "L" else "RGB"
    elif image.mode in ("L", "LA", "RGB", "RGBA"):
        mode = image.mode
    else:
        mode = "RGBA" if has_alpha else "RGB"
    pixels = image.convert(mode)
    fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if kind == "jpeg":
        fresh.save(out, "JPEG", quality=95)
    elif kind == "webp":
        fresh.save(out, "WEBP", quality=90, method=4)
    else:
        fresh.save(out, "PNG")
    return out.getvalue()


def _raster(data: bytes, kind: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(_decode(data, kind), kind)
    except LogoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LogoError(f"the image is too large to decode safely ({exc})") from exc
    except Exception as exc:  # broken files raise OSError, SyntaxError, struct.error, zlib.error...
        raise LogoError(f"not a valid {_NAMES[kind]} image ({exc})") from exc


def _normalize(data: bytes) -> NormalizedLogo:
    """The logo made from `data` alone; raises LogoError with the reason."""
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(f"the file is larger than {MAX_LOGO_BYTES // 1024} KB")
    kind = sniff(data)
    if kind is None:
        raise LogoError("not a PNG, JPEG, WebP or SVG image (judged by its content)")
    try:
        clean = clean_svg(data) if kind == "svg" else _raster(data, kind)
    except UnsafeSvg as exc:
        raise LogoError(str(exc)) from exc
    return NormalizedLogo(kind, KINDS[kind][0], clean)


# Validation, the site and the PDFs each ask for the logo; a big raster takes about a second to
# decode and re-encode, so one build does it once. Keyed by content, so an edit is seen.
_normalize_cached = functools.lru_cache(maxsize=4)(_normalize)


def normalize_logo(data: bytes, name: str) -> NormalizedLogo:
    """The logo to publish, made from `data` alone; `name` only labels the error message."""
    try:
        return _normalize_cached(data)
    except LogoError as exc:
        raise LogoError(f"logo {name}: {exc}") from exc


def load_logo(path: Path, name: str | None = None) -> NormalizedLogo:
    """The normalized logo read from `path` (size checked before reading); raises LogoError."""
    label = name or path.name
    try:
        if path.stat().st_size > MAX_LOGO_BYTES:
            raise LogoError(f"logo {label}: the file is larger than {MAX_LOGO_BYTES // 1024} KB")
        data = path.read_bytes()
    except OSError as exc:
        raise LogoError(f"logo {label} cannot be read ({exc.strerror})") from exc
    return normalize_logo(data, label)


def catalog_logo(catalog: Catalog) -> NormalizedLogo:
    """The organization's logo as the site and the PDFs publish it."""
    path = catalog.organization.logo
    content = catalog.root.resolve() / "content"
    name = (
        f"content/{path.relative_to(content).as_posix()}" if path.is_relative_to(content) else None
    )
    return load_logo(path, name)
