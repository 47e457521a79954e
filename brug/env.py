"""Typed readers of environment variables that refuse mistakes.

Every variable read through these helpers is recorded in ``READ``, so a test can compare the
settings Brug reads with the README's configuration table. A value that is not what the
variable needs (a boolean that is not a boolean, a number that is not a number, an unreadable
secret file) stops Brug with ImproperlyConfigured naming the variable, instead of meaning "off".
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Names in the order they were first read; *_FILE twins of secrets included.
READ: list[str] = []

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    if name not in READ:
        READ.append(name)
    return os.environ.get(name)


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, yes/no, on/off or 1/0), not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {number}.")
    return number


def env_float(name: str, default: float) -> float:
    value = _raw(name)
    if value is None or not value.strip():
        return default
    try:
        return float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or not value.strip():
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default).strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(choices))}, not {value!r}.")
    return value


def env_secret(name: str, default: str = "") -> str:
    """A secret from ``name`` or from the file named by ``name_FILE`` (a Docker or Kubernetes secret).

    Setting both is refused: one of them would be silently ignored.
    """
    value = _raw(name)
    file_name = _raw(f"{name}_FILE")
    if value is not None and file_name:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE names {file_name!r}, which cannot be read: {error}.") from None
    return default if value is None else value
