"""The only way WeasyPrint may load anything: `data:` URLs and files inside allowed folders."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from generator.pdf.fonts import FONT_DIR

PACKAGE_ASSETS = Path(__file__).resolve().parent / "assets"


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Allows `data:` and files whose real path is under one of `roots`; records every refusal.

    No network scheme, no redirect, no `../` or symlink escape: a path is checked after
    `realpath`, so a link inside content/ that points elsewhere is refused too.
    """

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False)
        self.roots = [Path(os.path.realpath(r)) for r in roots]
        self.refused: list[str] = []
        self.served: dict[Path, tuple[bytes, str]] = {}

    def serve(self, path: Path, data: bytes, mime: str) -> None:
        """Answer requests for `path` with `data` (the normalized logo) instead of the file."""
        self.served[Path(os.path.realpath(path))] = (data, mime)

    def _refuse(self, url: str, why: str) -> ValueError:
        self.refused.append(f"{url[:200]} ({why})")
        return ValueError(f"refused: {url[:200]} ({why})")

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise self._refuse(url, f"scheme '{scheme or 'none'}' is not allowed")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "remote file host")
        real = Path(os.path.realpath(unquote(parts.path)))
        if not any(real.is_relative_to(root) for root in self.roots):
            raise self._refuse(url, "outside the repository's content/ and overrides/")
        if real in self.served:
            data, mime = self.served[real]
            return URLFetcherResponse(real.as_uri(), data, {"Content-Type": mime})
        if not real.is_file():
            raise self._refuse(url, "no such file")
        mime = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": mime})


def fetcher_for(root: Path) -> SafeFetcher:
    """The fetcher for a catalog repository: its content/ and overrides/, our assets, the font."""
    return SafeFetcher([root / "content", root / "overrides", PACKAGE_ASSETS, FONT_DIR])
