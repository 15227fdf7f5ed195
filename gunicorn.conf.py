"""Gunicorn settings for Certis in production: `gunicorn certis.wsgi -c gunicorn.conf.py --workers N --bind …`.

Only what differs from gunicorn's defaults and holds on any machine is here; workers and the address are
given on the command line. The benchmark of verification by number serves both of its apps with this file.
"""

import gc

worker_class = "gthread"  # one thread per worker by default; slow clients do not hold a worker
backlog = 2048


def post_fork(server: object, worker: object) -> None:
    """Keep the objects loaded before the fork (Django, the URL map, translations) out of the garbage
    collector's sweeps, and sweep less often: with 64 clients waiting, a full collection in the middle of
    a request made many of the slowest (in the benchmark, Django's p99 went from 119 ms to 79–98 ms)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
