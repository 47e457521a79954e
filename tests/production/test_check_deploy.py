"""`manage.py check --deploy` with the production settings of docs/deployment.md gives no warning."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.production.helpers import ROOT, STRONG_KEY, base_env


def documented_production_settings() -> dict[str, str]:
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- production-settings -->\s*```sh\n(.*?)```", guide, re.S)
    assert block, "docs/deployment.md has no production settings block"
    pairs = [line.split("=", 1) for line in block.group(1).splitlines() if line and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def test_check_deploy_with_the_documented_production_settings_prints_no_warning(tmp_path):
    env = documented_production_settings()
    assert env["BRUG_SSL_REDIRECT"] == "true" and int(env["BRUG_HSTS_SECONDS"]) >= 31536000
    # The secret files the guide points at exist on a server; here they are made for the test.
    contents = {"BRUG_SECRET_KEY_FILE": STRONG_KEY, "DATABASE_URL_FILE": f"sqlite:///{tmp_path / 'check.sqlite3'}"}
    for name in [name for name in env if name.endswith("_FILE")]:
        secret = tmp_path / name.lower()
        secret.write_text(contents.get(name, "a-secret"))
        env[name] = str(secret)
    env["BRUG_MEDIA_ROOT"] = str(tmp_path / "media")
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
