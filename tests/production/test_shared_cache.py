"""With BRUG_CACHE_URL on Redis every process shares one cache: import progress written by the
worker's process is what another server's process reads."""

from __future__ import annotations

import uuid

import pytest
import redis

from imports import services
from imports.models import ImportJob
from tests.production.helpers import STRONG_KEY, run_python

REDIS_URL = "redis://127.0.0.1:6379/13"

READ_PROGRESS = (
    "import django, sys, uuid; django.setup(); from imports.models import ImportJob; "
    "from imports.services import read_progress; "
    "print(read_progress(ImportJob(public_id=uuid.UUID(sys.argv[1]), progress_done=0, progress_total=0)))"
)


@pytest.fixture
def shared_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"brug-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_import_progress_reported_in_one_process_is_read_in_another(shared_cache):
    job = ImportJob(public_id=uuid.uuid4(), progress_done=0, progress_total=0)
    services.report_progress(job, 4000, 10000)
    code = READ_PROGRESS.replace("sys.argv[1]", repr(str(job.public_id)))
    other = run_python(code, BRUG_SECRET_KEY=STRONG_KEY, BRUG_CACHE_URL=REDIS_URL, BRUG_CACHE_PREFIX=shared_cache)
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip().splitlines()[-1] == "(4000, 10000)"
    # Without the shared cache (each process its own memory) the other process would not know.
    alone = run_python(code, BRUG_SECRET_KEY=STRONG_KEY, BRUG_CACHE_URL="locmem://")
    assert alone.stdout.strip().splitlines()[-1] == "(0, 0)"
