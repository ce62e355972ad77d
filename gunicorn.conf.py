"""Gunicorn for the portal's image, sized for a 2-core machine (the Dockerfile's CMD reads this file).

Threaded workers: most of a request is spent waiting on PostgreSQL and Redis, which threads overlap cheaply, while
a CPU-heavy filing-notice PDF (WeasyPrint) or a 60-second export holds one thread, not a whole process. Three
processes (cores + 1) keep both cores busy with rendering and leave one to answer; 3 x 4 = 12 requests at once,
and 12 database connections (CONN_MAX_AGE keeps one per thread), well within PostgreSQL's default of 100. Fewer
processes than the sync rule's 2 x cores + 1 = 5 also keep memory down: each holds Django and WeasyPrint
(about 150 MB). WEB_CONCURRENCY and WEB_THREADS override both on a larger machine.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# Large portfolio exports are written during the request up to EXPORT_ASYNC_THRESHOLD rows.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle a process now and then: WeasyPrint's font caches only grow. The jitter keeps the three from restarting
# at once.
max_requests = 1000
max_requests_jitter = 100
# Docker's overlay filesystem can stall the workers' heartbeat file; memory does not.
worker_tmp_dir = "/dev/shm"

# Both logs to stdout. The access log is a JSON line with the id the portal put on the response (X-Request-ID),
# the same id as in the portal's own "portal.request" line.
# No access log of gunicorn's: the portal logs every request itself (portal.request), as JSON with its request id;
# a format string here would print a path containing a quote as broken JSON.
accesslog = None
errorlog = "-"
