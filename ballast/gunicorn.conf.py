"""gunicorn settings for Ballast's app servers (``bin/serve``; docs/deployment.md).

Worker model: ``workers`` processes, each with ``threads`` threads (the gthread worker).
Processes give parallel Python on every core; threads let a process go on serving while
one of its requests waits on PostgreSQL, Redis or a file. The default, 2 × cores + 1
processes of 4 threads, is gunicorn's own rule of thumb; pages here spend most of their
time in the database, so more threads help more than more processes on a small machine.

``preload_app`` is off: each worker imports Ballast itself. Preloading would save some
memory (shared pages after fork), but then ``systemctl reload`` (SIGHUP) would restart
the workers on the old code, and a zero-downtime upgrade (docs/deployment.md) needs
the reload to load the new code. Ballast opens no connection at import, so neither way
shares a socket between workers.

Every value can be set from the environment; ``GUNICORN_CMD_ARGS`` still overrides all.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise SystemExit(
            f"{name} 必须是正整数（{name} must be a whole number）: {value!r}"
        ) from exc
    if number < 1:
        raise SystemExit(f"{name} 必须是正整数（{name} must be at least 1）: {value!r}")
    return number


def _cores() -> int:
    try:  # the cores this process may use (a container or a cgroup may give fewer)
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return multiprocessing.cpu_count()


wsgi_app = "ballast.wsgi:application"
bind = [os.environ.get("BALLAST_ADDRESS", "127.0.0.1:8000")]

worker_class = "gthread"
workers = _int("BALLAST_WORKERS", 2 * _cores() + 1)
threads = _int("BALLAST_THREADS", 4)

# A request may take this long (a bulletin or a ledger export of the whole city); larger
# imports run in the import worker, not in a request.
timeout = _int("BALLAST_TIMEOUT", 120)
# On SIGTERM or reload, requests in flight get this long to finish.
graceful_timeout = _int("BALLAST_GRACEFUL_TIMEOUT", 30)
# nginx keeps connections to the app servers open (deploy/nginx.conf: keepalive).
keepalive = 5

# A worker is replaced after this many requests (plus up to 10 % jitter, so they are not
# all replaced at once): it bounds slow memory growth (matplotlib, openpyxl).
max_requests = _int("BALLAST_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

preload_app = False

# Logs to stdout/stderr: systemd's journal or the container runtime collects them and the
# log shipper forwards them (docs/deployment.md). The access log adds the request time in
# microseconds (%(D)s) and nginx's request id.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("BALLAST_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s "%({x-request-id}i)s"'
)

# Only nginx (on this host by default) may tell gunicorn a request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn's control socket is not used: reloads and stops go through signals (systemd).
control_socket_disable = True

# The heartbeat files of the workers in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
