"""Configuration: settings, root URLs, the Celery app and the WSGI/ASGI entry points. Django reads
it; no module of ours imports it."""

from .celery import app as celery_app

__all__ = ["celery_app"]
