"""gunicorn settings for the platform: `scripts/run`, the benchmarks and a bank's servers alike.

Read by `gunicorn -c config/gunicorn.conf.py config.wsgi`; each value can be overridden from the
environment (WEB_*), or on the command line (which wins over this file).

Threads, not only processes: a thread waiting on PostgreSQL lets another run Python, and threaded
workers keep client connections open, so core banking and the mobile back end, which call the
consent check many times a second, do not pay a TCP handshake per call.
"""

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# About one process per CPU, plus one to cover a process waiting on the database or the GIL.
workers = int(os.environ.get("WEB_WORKERS", (os.cpu_count() or 1) + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# Longer than the clients' idle gaps between checks, so their connections stay open.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "30"))
# A request still running after this is stuck (a held lock, a lost database): restart the worker.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
# How long a stopping server lets requests finish; a browser's idle pre-opened connection holds it the
# whole time, so the demo (scripts/run) stops with Ctrl-C after a few seconds instead.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
# Recycle workers now and then, staggered, so a slow leak in any library cannot grow without bound.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
# gunicorn's default line holds the query string (the consent check's `?subject=<customer number>`,
# what staff searched for) and the referring page, with its own: personal data the servers' log
# rotation keeps, which no deletion reaches. The path only, and the request's reference, which finds
# the application's lines about it (docs/operations.md, "Logs").
access_log_format = os.environ.get(
    "WEB_ACCESS_LOG_FORMAT", '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s]'
)
errorlog = os.environ.get("WEB_ERROR_LOG", "-")
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
