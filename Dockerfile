# Brug's image: slim Debian, Python, Brug in a virtual environment, static files collected at build
# time, gunicorn as an unprivileged user. Every process starts through bin/brug-entrypoint:
#   docker run IMAGE web | worker | scheduler | migrate | manage ARGS...
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/brug/venv/bin:$PATH \
    BRUG_BIND=0.0.0.0:8000 \
    BRUG_MANIFEST_STATIC=true \
    BRUG_MEDIA_ROOT=/srv/brug/media \
    BRUG_CACHE_URL=file:///tmp/brug-cache

# WeasyPrint's Pango and fonts for the PDFs; the PostgreSQL client for backups; curl for HEALTHCHECK.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core postgresql-client curl \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system brug && useradd --system --gid brug --home-dir /opt/brug --shell /usr/sbin/nologin brug

COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/brug/venv \
 && pip install --require-hashes -r /tmp/requirements.txt

WORKDIR /opt/brug/app
# The code stays owned by root: the user that runs it cannot change it.
COPY . .

# collectstatic needs settings, not secrets: a throw-away key for this step only.
RUN BRUG_SECRET_KEY=collectstatic-only-not-a-secret bin/brug-entrypoint collectstatic \
 && mkdir -p /srv/brug/media \
 && chown -R brug:brug /srv/brug

USER brug
EXPOSE 8000
VOLUME ["/srv/brug/media"]

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1

ENTRYPOINT ["bin/brug-entrypoint"]
CMD ["web"]
