"""The service with one extra route for benchmarks only: ``/bench/bare`` answers at once without touching the
application, so a load test can compare a real endpoint with what gunicorn itself costs on the same server."""

from conflict_service.security import limiter
from wsgi import app as service

# Sign-in is rate-limited per address (10 a minute); the browser measurements (bench/wire.py) sign in from one
# address more often than that.
limiter.enabled = False


def _bare(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)  # read the body, as the real endpoint does
    body = b'{"ok":true}'
    start_response("201 Created" if environ["REQUEST_METHOD"] == "POST" else "200 OK",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/bare":
        return _bare(environ, start_response)
    return service(environ, start_response)
