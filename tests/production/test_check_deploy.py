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
    # The files the guide points at exist on a server; here they are made for the test.
    (tmp_path / "key").write_text(STRONG_KEY)
    env["BRUG_SECRET_KEY_FILE"] = str(tmp_path / "key")
    env.pop("DATABASE_URL_FILE", None)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'check.sqlite3'}"
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
