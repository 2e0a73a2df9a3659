from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_lifecycle_doc_is_current() -> None:
    spec = importlib.util.spec_from_file_location("lifecycle_doc", ROOT / "scripts" / "lifecycle_doc.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (ROOT / "docs" / "lifecycle.md").read_text(encoding="utf-8") == mod.render(), (
        "docs/lifecycle.md is stale: run .venv/bin/python scripts/lifecycle_doc.py"
    )
