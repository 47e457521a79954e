"""The settings the test suite runs with: Brug's own, with a secret key that only tests use.

Everything else comes from the environment as in production, so tests see what a server sees.
Subprocesses that tests start inherit the key through the environment.
"""

import os

os.environ.setdefault("BRUG_SECRET_KEY", "tests-only-secret-key-never-used-by-a-server-0123456789abcdef")
# One cache per test process: a folder shared by parallel test processes would mix their counters.
os.environ.setdefault("BRUG_CACHE_URL", "locmem://tests")

from brug.settings import *  # noqa: E402, F403
