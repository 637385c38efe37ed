from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = "Communication plan and record"

    def ready(self):
        # inbound and tracking connect Anymail's webhook receivers; tasks registers the Celery tasks
        # that the outbox wakes by name, in every process, not only in the worker; webhooks
        # registers the deploy check for the webhook secret.
        from comms import inbound, tasks, tracking, webhooks  # noqa: F401
