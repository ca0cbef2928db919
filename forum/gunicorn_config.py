"""gunicorn settings: `gunicorn -c python:forum.gunicorn_config wsgi:app`.

The access log names no client address and no user agent, and drops query strings.
"""

import os

bind = os.environ.get("FORUM_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = 30
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Several Kindred instances may share a host; the control socket would collide.
control_socket_disable = True


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Compile the screening rules as each web process starts, not on its first post."""
    from forum.extensions import db
    from forum.worker import warm_caches

    with worker.wsgi.app_context():
        try:
            warm_caches()
        finally:
            db.session.remove()
