"""gunicorn settings for production: ``gunicorn -c python:conflict_service.gunicorn_conf wsgi:app``.

Every value can be changed from the environment (GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_THREADS, ...).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads let a worker serve other requests while one waits on the database or renders a PDF.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Recycle workers now and then: WeasyPrint and lxml keep memory they have once used.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))  # a long case file must not be killed mid-render
graceful_timeout = 30
keepalive = 5
# Behind a TLS-terminating proxy on the same host: trust its X-Forwarded-* headers only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
limit_request_line = 8190
limit_request_fields = 100


def post_fork(_server, _worker):
    """A thread that gets its answer from the database waits for the interpreter lock until the running thread gives
    it up: 5 ms by default. A submission holds the office's number counter and the audit chain's lock across several
    round trips, so each wait lengthens what every other submission queues behind; 1 ms keeps those locks short."""
    import sys

    sys.setswitchinterval(float(os.environ.get("GUNICORN_SWITCH_INTERVAL", "0.001")))
