# Production image: gunicorn serves the portal, whitenoise the static files; the same image runs the worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/var/lib/portal \
    PRIVATE_MEDIA_ROOT=/var/lib/portal/private-media

# WeasyPrint's libraries and harfbuzz-subset so fonts are subset, not embedded whole. No CJK font: the PDFs are set
# in the faces vendored in portal/fonts/, copied in with the code.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /home/portal portal
WORKDIR /app

COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .

# collectstatic and compilemessages need settings but no database: a build-time key that the container never uses.
RUN DEBUG=0 SECRET_KEY=build-only-not-used-at-run-time-0123456789abcdefghijkl ALLOWED_HOSTS=build \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 \
        python manage.py collectstatic --noinput \
    && mkdir -p /var/lib/portal/private-media \
    && chown -R portal:portal /var/lib/portal

USER portal
EXPOSE 8000
# Workers, threads, timeout and logs: gunicorn.conf.py (sized for two cores).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "portal.wsgi:application"]
