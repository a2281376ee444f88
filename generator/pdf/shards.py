"""Roster shards: `--shard I/N` splits a roster over CI matrix jobs; `--merge-shards` checks them.

A pair's shard depends only on who and when (mentor, mentee, start date): the first 8 bytes
of the SHA-256 of those three, modulo N. So the same pair lands in the same shard whatever
the order of the rows, on every machine, and no job needs to know what the others do. Each
shard's output folder gets `manifest-I-of-N.json`: the roster's SHA-256 and pair count, and
for each of its pairs the roster number, identity hash and files with their SHA-256. A final
step (`handbook worksheets --merge-shards DIR... -o OUT`) checks that the manifests describe
one roster, that every shard and every pair is there exactly once, and that every file is
intact, then merges the PDFs into OUT.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.atomic import check_replaceable, staged_folder
from generator.problems import HandbookError

if TYPE_CHECKING:
    from generator.pdf.render import Pair
    from generator.pdf.roster import RosterSummary

MANIFEST_FORMAT = 2  # 2: team_events per pair, calendar
MANIFEST = re.compile(r"manifest-([0-9]+)-of-([0-9]+)\.json")
MAX_SHARDS = 10_000
_SAFE_PATH = re.compile(
    r"[a-z0-9]+/pair-[0-9]+-[a-z0-9-]+\.pdf|calendars/pair-[0-9]+-[a-z0-9-]+\.ics"
)
TEAM_CALENDAR = "calendars/program-team.ics"


def pair_id(pair: Pair) -> str:
    """A pair's identity: SHA-256 of mentor, mentee and start date (not its goals or row)."""
    who = json.dumps([pair.mentor, pair.mentee, pair.start], ensure_ascii=False)
    return hashlib.sha256(who.encode("utf-8")).hexdigest()


def shard_of_id(identity: str, count: int) -> int:
    """The 1-based shard (of `count`) the pair with this identity belongs to."""
    return int(identity[:16], 16) % count + 1


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, like GitLab's CI_NODE_INDEX
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`I/N` with 1 <= I <= N; ValueError with the reason otherwise."""
        found = re.fullmatch(r"\s*([0-9]+)\s*/\s*([0-9]+)\s*", text)
        if not found:
            raise ValueError(f"'{text}' is not I/N (for example 2/8)")
        index, count = int(found.group(1)), int(found.group(2))
        if not 1 <= index <= count <= MAX_SHARDS:
            raise ValueError(f"'{text}': I must be from 1 to N, and N at most {MAX_SHARDS:,}")
        return cls(index, count)

    def owns(self, pair: Pair) -> bool:
        return shard_of_id(pair_id(pair), self.count) == self.index

    @property
    def manifest_name(self) -> str:
        return f"manifest-{self.index}-of-{self.count}.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ManifestWriter:
    """Writes a shard's manifest pair by pair, so a shard of any size is held in no list.

    The JSON object's keys come in a fixed order: format, roster, shard, pairs (streamed),
    calendar (the team calendar's path and SHA-256 with --ics, else null).
    """

    def __init__(self, folder: Path, shard: Shard, roster: RosterSummary) -> None:
        self.folder = folder
        self.path = folder / shard.manifest_name
        self.file = self.path.open("w", encoding="utf-8")
        head = {
            "format": MANIFEST_FORMAT,
            "roster": {"sha256": roster.sha256, "pairs": roster.pairs},
            "shard": {"index": shard.index, "count": shard.count},
        }
        self.file.write(json.dumps(head, sort_keys=True)[:-1] + ',\n "pairs": [')
        self.first = True

    def add(self, row: int, pair: Pair, files: Sequence[str], events: int = 0) -> None:
        """One pair: its roster number, identity, files (relative to the folder) and how many
        events it has in the team calendar."""
        entry = {
            "row": row,
            "id": pair_id(pair),
            "files": [{"path": f, "sha256": _sha256(self.folder / f)} for f in files],
            "team_events": events,
        }
        self.file.write(("\n  " if self.first else ",\n  ") + json.dumps(entry, sort_keys=True))
        self.first = False

    def finish(self, team_calendar: str | None = None) -> Path:
        calendar = (
            {"path": team_calendar, "sha256": _sha256(self.folder / team_calendar)}
            if team_calendar
            else None
        )
        self.file.write(f'\n ],\n "calendar": {json.dumps(calendar, sort_keys=True)}\n}}\n')
        self.file.close()
        return self.path


class ShardsInvalid(HandbookError):
    """The shard folders do not add up to one complete roster; every problem is listed."""


@dataclass(frozen=True)
class _Loaded:
    folder: Path
    name: str
    data: dict[str, Any]


def _load(folder: Path, problems: list[str]) -> _Loaded | None:
    names = sorted(p.name for p in folder.glob("manifest-*-of-*.json")) if folder.is_dir() else []
    if len(names) != 1:
        problems.append(f"{folder}: expected one manifest-I-of-N.json, found {len(names)}")
        return None
    try:
        data = json.loads((folder / names[0]).read_text(encoding="utf-8"))
        shard, roster = data["shard"], data["roster"]
        ok = (
            data["format"] == MANIFEST_FORMAT
            and [int(shard["index"]), int(shard["count"])] == list(_name_numbers(names[0]))
            and isinstance(roster["sha256"], str)
            and isinstance(roster["pairs"], int)
            and all(isinstance(p["row"], int) and isinstance(p["id"], str) for p in data["pairs"])
            and all(isinstance(p["team_events"], int) for p in data["pairs"])
            and (data["calendar"] is None or data["calendar"]["path"] == TEAM_CALENDAR)
        )
    except (ValueError, KeyError, TypeError) as exc:
        problems.append(f"{folder / names[0]}: not a handbook shard manifest ({exc})")
        return None
    if not ok:
        problems.append(f"{folder / names[0]}: not a handbook shard manifest (format or name)")
        return None
    return _Loaded(folder, names[0], data)


def _name_numbers(name: str) -> tuple[int, int]:
    found = MANIFEST.fullmatch(name)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def check_shards(folders: Sequence[Path]) -> list[tuple[Path, str]]:
    """Every (folder, file) of a complete, consistent set of shards; ShardsInvalid if not."""
    problems: list[str] = []
    loaded = [m for m in (_load(f, problems) for f in folders) if m is not None]
    rosters = {(m.data["roster"]["sha256"], m.data["roster"]["pairs"]) for m in loaded}
    counts = {m.data["shard"]["count"] for m in loaded}
    if len(rosters) > 1:
        problems.append("the manifests come from different rosters (SHA-256 or pair count differ)")
    if len(counts) > 1:
        problems.append(f"the manifests disagree on the number of shards: {sorted(counts)}")
    files: list[tuple[Path, str]] = []
    if loaded and len(rosters) == 1 and len(counts) == 1:
        (_, total), (count,) = next(iter(rosters)), counts
        problems += _coverage(loaded, total, count)
        files = _files(loaded, problems)
        problems += _calendars_agree(loaded)
    if not loaded and not problems:
        problems.append("no shard folders given")
    if problems:
        raise ShardsInvalid("the shards do not add up:\n  " + "\n  ".join(problems))
    return files


def _coverage(loaded: Sequence[_Loaded], total: int, count: int) -> list[str]:
    """Every shard once, every roster row once, each in the shard its identity says."""
    problems: list[str] = []
    seen_shards: dict[int, Path] = {}
    seen_rows: dict[int, Path] = {}
    for m in loaded:
        index = m.data["shard"]["index"]
        if index in seen_shards:
            problems.append(
                f"shard {index}/{count} appears twice: {seen_shards[index]}, {m.folder}"
            )
        seen_shards[index] = m.folder
        for entry in m.data["pairs"]:
            row = entry["row"]
            if row in seen_rows:
                problems.append(f"pair {row} is in two shards: {seen_rows[row]}, {m.folder}")
            seen_rows[row] = m.folder
            if shard_of_id(entry["id"], count) != index:
                problems.append(f"{m.folder}: pair {row} belongs to another shard")
    missing_shards = sorted(set(range(1, count + 1)) - set(seen_shards))
    if missing_shards:
        listed = ", ".join(f"{i}/{count}" for i in missing_shards)
        problems.append(f"missing shard(s): {listed}")
    missing_rows = sorted(set(range(1, total + 1)) - set(seen_rows))
    if missing_rows:
        more = "..." if len(missing_rows) > 20 else ""
        listed = ", ".join(map(str, missing_rows[:20]))
        problems.append(f"{len(missing_rows)} of {total} pairs are in no shard: {listed}{more}")
    return problems


def _files(loaded: Sequence[_Loaded], problems: list[str]) -> list[tuple[Path, str]]:
    files: list[tuple[Path, str]] = []
    for m in loaded:
        for entry in m.data["pairs"]:
            for item in entry["files"]:
                rel, path = item["path"], m.folder / str(item["path"])
                if not isinstance(rel, str) or not _SAFE_PATH.fullmatch(rel):
                    problems.append(f"{m.folder / m.name}: unexpected file path {rel!r}")
                elif not path.is_file() or path.is_symlink() or _sha256(path) != item["sha256"]:
                    problems.append(f"{path}: missing or changed since the shard was rendered")
                else:
                    files.append((m.folder, rel))
    return files


def _calendars_agree(loaded: Sequence[_Loaded]) -> list[str]:
    """With --ics in one shard, in all; every team calendar intact."""
    with_ics = [m for m in loaded if m.data["calendar"] is not None]
    if with_ics and len(with_ics) < len(loaded):
        without = ", ".join(str(m.folder) for m in loaded if m.data["calendar"] is None)
        return [f"some shards have calendars (--ics) and these do not: {without}"]
    return [
        f"{m.folder / TEAM_CALENDAR}: missing or changed since the shard was rendered"
        for m in with_ics
        if not _intact(m.folder / TEAM_CALENDAR, m.data["calendar"]["sha256"])
    ]


def _intact(path: Path, sha256: str) -> bool:
    return path.is_file() and not path.is_symlink() and _sha256(path) == sha256


def team_events(data: bytes) -> tuple[bytes, list[bytes], bytes]:
    """A team calendar's bytes split into header, VEVENT blocks (in order) and end."""
    begin, end = b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n"
    first = data.find(begin)
    if first < 0:
        cut = data.rfind(b"END:VCALENDAR\r\n")
        return data[:cut], [], data[cut:]
    last = data.rfind(end) + len(end)
    blocks = [begin + b for b in data[first:last].split(begin)[1:]]
    return data[:first], blocks, data[last:]


def merge_team_calendars(loaded: Sequence[_Loaded]) -> bytes:
    """One program-team.ics from the shards': each pair's events in roster order, so the bytes
    are those of an unsharded run (same SOURCE_DATE_EPOCH)."""
    by_row: dict[int, list[bytes]] = {}
    headers, ends = set(), set()
    for m in loaded:
        header, blocks, end = team_events((m.folder / TEAM_CALENDAR).read_bytes())
        headers.add(header)
        ends.add(end)
        counts = [entry["team_events"] for entry in m.data["pairs"]]
        if sum(counts) != len(blocks) or min(counts, default=0) < 0:
            raise ShardsInvalid(f"{m.folder / TEAM_CALENDAR}: its events do not match its pairs")
        at = 0
        for entry, count in zip(m.data["pairs"], counts, strict=True):
            by_row[entry["row"]] = blocks[at : at + count]
            at += count
    if len(headers) != 1 or len(ends) != 1:
        raise ShardsInvalid("the shards' team calendars come from different catalogs")
    return headers.pop() + b"".join(b for row in sorted(by_row) for b in by_row[row]) + ends.pop()


def merge_shards(folders: Sequence[Path], out_dir: Path, root: Path) -> list[Path]:
    """Check the shards, then copy their files into out_dir (swapped in as a whole); with
    calendars, the shards' team calendars become one."""
    files = check_shards(folders)
    problems: list[str] = []
    loaded = [m for m in (_load(f, problems) for f in folders) if m is not None]
    team = merge_team_calendars(loaded) if loaded[0].data["calendar"] else None
    check_replaceable(out_dir, root, kind="merged roster output")
    with staged_folder(out_dir, root) as staging:
        for folder, rel in files:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / rel, staging / rel)
        if team is not None:
            (staging / TEAM_CALENDAR).write_bytes(team)
    written = [out_dir / rel for _, rel in files]
    return [*written, out_dir / TEAM_CALENDAR] if team is not None else written
