"""The ceiling for bench/consent_check.py: a WSGI function returning a constant, without Django."""


def application(environ, start_response):
    body = b'{"status":"ok"}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
