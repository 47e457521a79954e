"""Gunicorn, Brug's production web server, configured once for every place it runs: the container,
`make run` and CI start it through bin/brug-entrypoint web. Settings come from BRUG_WEB_* variables."""

import os
import sys
from pathlib import Path

# Gunicorn runs this file before it imports the application: make the project importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from brug.env import env_int, env_str  # noqa: E402

wsgi_app = "brug.wsgi:application"
bind = env_str("BRUG_BIND", "127.0.0.1:8000").split(",")
# Threads share one process's memory; processes use both cores. On SQLite keep the total modest:
# writers queue on one lock (busy_timeout 5 s).
workers = env_int("BRUG_WEB_WORKERS", 2, minimum=1)
threads = env_int("BRUG_WEB_THREADS", 4, minimum=1)
worker_class = "gthread"
timeout = env_int("BRUG_WEB_TIMEOUT", 60, minimum=1)
graceful_timeout = 30
# Longer than a reverse proxy's (or a client's) idle time, so the other side closes an idle connection, not
# gunicorn just as the other side sends on it again ("connection reset by peer" in the load test at 5 s).
keepalive = 75
# A worker that grows (a large export, a PDF) is replaced now and then.
max_requests = env_int("BRUG_WEB_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10
# Brug writes its own access line per request (logger brug.requests, with the request id).
accesslog = None
errorlog = "-"
loglevel = "info"
# Heartbeat files in memory, not on a container's overlay disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
