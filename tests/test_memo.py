"""Remembered results are sealed with the machine user's key: planted or foreign files count
for nothing."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import memo


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Another user's cache folder (and so another key) for the test's duration."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    memo._key.cache_clear()
    yield tmp_path
    memo._key.cache_clear()


def test_the_key_is_made_once_for_this_user_alone(home: Path) -> None:
    target = home / "remembered.json"
    memo.replace_json(target, {"a": [1]})
    key = memo.key_file()
    assert key == home / "cache-home" / "mentoring-handbook" / "memo.key"
    assert len(key.read_bytes()) == memo.SEAL_BYTES
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    memo._key.cache_clear()  # a later run reads the same key back
    assert memo.read_json(target) == {"a": [1]}


def test_only_files_sealed_with_this_key_are_read(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = home / "remembered.bin"
    memo.replace_sealed(target, b"outcome")
    assert memo.read_sealed(target) == b"outcome"
    data = target.read_bytes()
    target.write_bytes(data[:-1] + b"X")  # one byte changed after sealing
    assert memo.read_sealed(target) is None
    target.write_bytes(b"outcome")  # planted without a seal
    assert memo.read_sealed(target) is None
    target.write_bytes(data)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "other-machine"))
    memo._key.cache_clear()
    assert memo.read_sealed(target) is None  # sealed elsewhere (a restored CI cache)
    assert memo.read_json(target) is None
