"""The Django side of ``make loadtest`` (bench/loadtest.py): the region-scale benchmark database, made
once (``manage.py bench``'s data set, reused when it is there) and what the load test's simulated
coordinators need from it: signed-in sessions, an API token, the pages to read and the records to
write on. Run through ``manage.py shell``; prints one JSON line."""

from __future__ import annotations

import json
import time
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.test import Client

from accounts.middleware import SessionIdleTimeoutMiddleware
from accounts.models import ApiToken, User
from demo import bulk, measure
from demo.management.commands.bench import bench_database
from lib.scoping import unscoped
from network.models import Organisation, Relationship


@unscoped("the load test's set-up acts for the benchmark, not for a signed-in user")
def prepare(database: str = "", *, scale: float = 1.0, sessions: int = 100) -> None:
    with bench_database(database, reuse=True) as fresh:
        call_command("migrate", verbosity=0, interactive=False)
        if fresh or not User.objects.filter(username=bulk.BENCH_USERNAME).exists():
            bulk.generate_region(scale, progress=lambda line: None)
            bulk.analyse()
        print(json.dumps(_plan(sessions)))


def _plan(sessions: int) -> dict[str, Any]:
    user = User.objects.select_related("person").get(username=bulk.BENCH_USERNAME)
    targets = measure.heaviest(user)
    pages = [(name, path) for name, path in measure.web_pages(targets) if path.startswith("/")]
    _token, key = ApiToken.issue(user, "load test")
    client = Client()
    client.force_login(user)
    api, _problem = measure.api_pages(client, {"Authorization": f"Bearer {key}"}, targets)
    # A coordinator's data calls; the PDF report is a rare, heavy download, not part of the mix.
    api = [(name, path) for name, path in api if not path.endswith(".pdf")]
    inst = user.institution_id
    relationships = Relationship.objects.filter(institution_id=inst).order_by("?").values_list("public_id", flat=True)
    organisations = Organisation.objects.order_by("?").values_list("public_id", flat=True)
    keys = []
    for _ in range(sessions):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[SessionIdleTimeoutMiddleware.KEY] = int(time.time())
        store.create()
        keys.append(store.session_key)
    name = connection.settings_dict["NAME"]
    return {
        "database": str(name),
        "vendor": connection.vendor,
        "sizes": bulk.table_sizes(),
        "pages": pages,
        "api": api,
        "token": key,
        "sessions": keys,
        "relationships": [str(p) for p in relationships[:200]],
        "organisations": [str(p) for p in organisations[:200]],
    }
