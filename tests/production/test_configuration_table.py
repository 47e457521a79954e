"""The README's configuration table lists exactly the variables that Brug reads."""

from __future__ import annotations

import ast
import re

from tests.production.helpers import ROOT

HELPERS = {"env_str", "env_bool", "env_int", "env_float", "env_list", "env_choice", "env_secret"}
READERS = [ROOT / "brug" / "settings.py", ROOT / "brug" / "gunicorn.conf.py"]


def variables_read() -> set[str]:
    """Every name passed to a brug.env helper in the settings and the server's configuration."""
    found: set[str] = set()
    for path in READERS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in HELPERS:
                first = node.args[0]
                assert isinstance(first, ast.Constant), f"{path.name}:{node.lineno}: name the variable literally"
                found.add(first.value)
                if node.func.id == "env_secret":
                    found.add(f"{first.value}_FILE")
    return found


def variables_documented() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return {
        name
        for line in section.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])
    }


def test_every_variable_brug_reads_is_in_the_readme_and_every_row_is_read():
    read, documented = variables_read(), variables_documented()
    assert read - documented == set(), "read but not in the README's configuration table"
    assert documented - read == set(), "in the README's configuration table but never read"


def test_settings_read_the_environment_only_through_the_helpers():
    for path in READERS:
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv" not in text, f"{path.name} reads the environment directly"
