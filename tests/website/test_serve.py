"""`handbook serve`: rebuilds on a change, shows validation errors, keeps running."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from generator.website.serve import rebuild
from tests.fixtures import make_repo

HANDBOOK = Path(sys.executable).parent / "handbook"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, needle: str, timeout: float = 20) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if needle in urllib.request.urlopen(url, timeout=2).read().decode():
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared at {url}")


def test_serve_rebuilds_on_change_and_survives_errors(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    port = _free_port()
    server = subprocess.Popen(
        [str(HANDBOOK), "serve", "--root", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/goals/mentee/alpha/"
    try:
        _wait_for(url, "Practise one skill")
        goal = root / "content/goals/mentee/alpha.yml"
        text = goal.read_text()
        goal.write_text(text.replace("title: Practise one skill", "title: Practise two skills"))
        seconds = _wait_for(url, "Practise two skills")
        assert seconds < 10
        goal.write_text(text.replace("horizon: habit", "horizon: whenever"))
        _wait_for(url, "The catalog has errors")
        _wait_for(url, "&#x27;whenever&#x27; is not one of")
        goal.write_text(text)
        _wait_for(url, "Practise one skill")
        org = root / "content/organization.yml"
        org_text = org.read_text()
        assert "start_date:" in org_text
        org.write_text(re.sub(r"start_date: .*", "start_date: 9999-12-31", org_text))
        _wait_for(url, "The catalog has errors")
        org.write_text(org_text)
        _wait_for(url, "Practise one skill")
        assert server.poll() is None, "the server stopped"
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "content/goals/mentee/alpha.yml:6:10: $.horizon: 'whenever' is not one of" in output


def test_sigterm_removes_the_preview_folder_like_ctrl_c(tmp_path: Path) -> None:
    """A process manager or an IDE stops the preview with SIGTERM; nothing may stay behind."""
    import os
    import signal

    root = make_repo("second-org", tmp_path / "repo")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/goals/mentee/alpha/", "Practise one skill")
        assert [p.name for p in scratch.iterdir() if p.name.startswith("handbook-preview-")]
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=20)[0]
    assert not list(scratch.glob("handbook-preview-*")), output
    assert "Stopping the preview" in output


def test_a_busy_or_impossible_port_is_a_clear_error(tmp_path: Path) -> None:
    """A port in use said only "Address already in use"; --port 99999 was reported as a bug."""
    root = make_repo("minimal", tmp_path / "repo")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [str(HANDBOOK), "serve", "--root", str(root), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1, result.stderr
    assert f"127.0.0.1:{port} is already in use" in result.stderr and "--port" in result.stderr
    result = subprocess.run(
        [str(HANDBOOK), "serve", "--root", str(root), "--port", "99999"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "not in the range" in result.stderr, result.stderr


def test_the_preview_serves_only_what_the_safety_scan_passed(tmp_path: Path) -> None:
    """serve rebuilt the preview without the safety scan `build` runs: an override writing an
    event handler (or a poisoned cache feeding the engine) reached the reviewer's browser."""
    root = make_repo("second-org", tmp_path / "repo")
    preview = tmp_path / "preview"
    assert rebuild(root, preview)
    assert (preview / "goals/mentee/alpha/index.html").is_file()
    main_html = root / "overrides/main.html"
    text = main_html.read_text()
    hostile = '{% block extrahead %}\n  <meta name="x"><b onclick="steal()">hi</b>\n'
    main_html.write_text(text.replace("{% block extrahead %}\n", hostile, 1))
    assert not rebuild(root, preview)
    assert [p.name for p in preview.rglob("*")] == ["index.html"]  # nothing else is served
    page = (preview / "index.html").read_text()
    assert "The catalog has errors" in page and "inline event handler" in page
    assert "steal()" not in page.replace("&quot;", '"').split("<pre>")[0]
    main_html.write_text(text)
    assert rebuild(root, preview)
    assert "onclick" not in (preview / "goals/mentee/alpha/index.html").read_text()
