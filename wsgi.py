"""WSGI entry point: `gunicorn wsgi:app`."""
from portal import create_app, settle_worker

app = create_app()
settle_worker()
