"""Every action the services write to the audit trail has a translated label, so the audit page reads
as a sentence in the user's language ("Cora changed the neighbourhood of ...") and never shows a code."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from audit.models import ACTION_LABELS

SKIP = {".venv", "migrations", "tests", "staticfiles", "bench", "node_modules"}


def _recorded_actions() -> dict[str, str]:
    """Action → where it is written, for every ``record(actor, "<action>", ...)`` call in the code.

    An f-string action (``f"organisation proposal {decision}"``) is listed with its placeholder as ``*``.
    """
    found: dict[str, str] = {}
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        if SKIP & set(path.relative_to(settings.BASE_DIR).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and len(node.args) >= 2):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name != "record":
                continue
            where = f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}"
            choices = [node.args[1]]
            while choices:
                action = choices.pop()
                if isinstance(action, ast.IfExp):  # "posted need" if public else "entered need"
                    choices += [action.body, action.orelse]
                elif isinstance(action, ast.Constant) and isinstance(action.value, str):
                    found[action.value] = where
                elif isinstance(action, ast.JoinedStr):
                    pattern = "".join(v.value if isinstance(v, ast.Constant) else "*" for v in action.values)
                    found[pattern] = where
    return found


def test_the_scan_finds_the_services_actions():
    actions = _recorded_actions()
    assert "changed neighbourhood" in actions
    assert len(actions) > 40


def test_every_recorded_action_has_a_label():
    missing = {}
    for action, where in _recorded_actions().items():
        if "*" in action:
            prefix = action.split("*")[0]
            if not any(label.startswith(prefix) for label in ACTION_LABELS):
                missing[action] = where
        elif action not in ACTION_LABELS:
            missing[action] = where
    assert not missing, f"Give these audit actions a label in audit.models.ACTION_LABELS: {missing}"
