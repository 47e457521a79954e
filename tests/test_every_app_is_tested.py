"""Every app's tests run: an app whose tests folder is missing from pytest's testpaths would be skipped by CI
without anyone noticing (the identity app's tests once were)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_tests_folder_is_in_testpaths():
    configured = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"])
    folders = {
        path.parent.name for path in ROOT.glob("*/tests") if path.is_dir() and not path.parent.name.startswith(".")
    }
    assert folders - configured == set()
