from django.apps import AppConfig
from django.db.models.signals import pre_save


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = "Communication plan and record"

    def ready(self):
        # inbound and tracking connect Anymail's webhook receivers; tasks registers the Celery tasks
        # that the outbox wakes by name, in every process, not only in the worker; webhooks
        # registers the deploy check for the webhook secret.
        from comms import inbound, tasks, tracking, webhooks  # noqa: F401
        from comms.stemming import WATCHED, restem_when_language_changes

        for model in WATCHED:
            pre_save.connect(
                restem_when_language_changes, sender=model, dispatch_uid=f"restem:{model.__name__}"
            )
