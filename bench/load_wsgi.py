"""The portal as gunicorn serves it for bench/load.py, behind a trusted proxy hop.

Production puts nginx in front (see the README), which passes the client's address in
X-Forwarded-For; the load test's simulated people each send their own, so the
per-address rate limits count per person, as they would for real people.
"""
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import create_app

app = create_app()
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
