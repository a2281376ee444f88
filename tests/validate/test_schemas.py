"""The schemas themselves: self-contained, documented, usable by other tools, fast paths equal."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.synthetic import synthetic_catalog
from generator.load.documents import load_documents
from generator.schemas import SELF_CONTAINED, SHARED, load_schemas, schema_dir
from generator.validate import schema_check
from tests.fixtures import make_repo

REPO = Path(__file__).resolve().parents[2]
MINIMAL = REPO / "tests" / "fixtures" / "minimal"


def test_every_schema_embeds_the_current_shared_definitions() -> None:
    shared = json.loads((schema_dir() / SHARED).read_text())
    shared.pop("$schema")
    for name, schema in load_schemas().items():
        if name != SHARED and name not in SELF_CONTAINED:
            assert schema["$defs"]["shared"] == shared, f"run python -m generator.schemas ({name})"


def _properties(node: object, path: str = "$"):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield f"{path}.{key}", value
        for key, value in node.items():
            if key not in ("if", "then"):  # conditions, not field definitions
                yield from _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item, path)


def test_every_property_has_a_description() -> None:
    missing = [
        f"{name}: {path}"
        for name, schema in load_schemas().items()
        for path, prop in _properties(schema)
        if "description" not in prop and "$ref" not in prop
    ]
    missing += [
        f"{name}: {path}"
        for name, schema in load_schemas().items()
        for path, prop in _properties(schema)
        if "$ref" in prop and "description" not in prop and not prop["$ref"].startswith("#/$defs/")
    ]
    assert not missing, "\n".join(missing)


def test_every_schema_has_id_title_and_closed_objects() -> None:
    for name, schema in load_schemas().items():
        assert schema["$id"].endswith("/" + name)
        assert schema["title"] and schema["description"]
        text = json.dumps(schema)
        # locale and translation keys mirror another file; validate checks them against it
        if name not in (SHARED, "locale.schema.json", "translation.schema.json"):
            assert '"unevaluatedProperties": false' in text


@pytest.mark.parametrize("folder", ["minimal", "default"])
def test_check_jsonschema_accepts_the_goal_files(folder: str) -> None:
    root = MINIMAL if folder == "minimal" else REPO
    goals = sorted(str(p) for p in root.glob("content/goals/*/*.yml"))
    assert goals
    tool = Path(sys.executable).parent / "check-jsonschema"
    schema = str(REPO / "schemas" / "goal.schema.json")
    # run from elsewhere: nothing may depend on the working directory or the network
    result = subprocess.run(
        [str(tool), "--schemafile", schema, *goals], cwd="/", capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_parallel_schema_checks_equal_serial_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = synthetic_catalog(tmp_path / "big", 450, make_repo("minimal", tmp_path / "base"))
    broken = root / "content/goals/mentee/alpha-copy-7.yml"
    broken.write_text(broken.read_text().replace("horizon: habit", "horizon: someday"))
    docs = [d for d in load_documents(root).documents if d.loaded is not None]
    monkeypatch.setattr(schema_check, "PARALLEL_MIN_DOCUMENTS", 10**9)
    serial = schema_check.check_schemas(docs)
    monkeypatch.setattr(schema_check, "PARALLEL_MIN_DOCUMENTS", 1)
    parallel = schema_check.check_schemas(docs)
    assert parallel == serial
    assert sum(len(p) for p in parallel) == 1
    shutil.rmtree(root)


def test_the_translation_schema_accepts_the_shipped_translations_and_refuses_values() -> None:
    from jsonschema import Draft202012Validator

    from generator.load.translations import NOT_TEXT
    from generator.load.yaml_safe import load_yaml

    validator = Draft202012Validator(load_schemas()["translation.schema.json"])
    files = sorted((REPO / "content/translations").rglob("*.yml"))
    assert len(files) > 10
    for path in files:
        text = path.read_text()
        assert "schemas/translation.schema.json" in "\n".join(text.splitlines()[:3]), path
        assert not list(validator.iter_errors(load_yaml(text).data)), path
    assert {"id", "audience", "due", "source"} <= NOT_TEXT  # the list validation uses
    for bad in (
        {"id": "x"},
        {"smart": {"fields": {"due": {"label": 3}}}},
        {"evidence": [{"source": "x"}]},
    ):
        assert list(validator.iter_errors(bad)), bad
    assert not list(validator.iter_errors({"smart": {"fields": {"period": {"label": "Zeitraum"}}}}))
