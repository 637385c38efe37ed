from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = "Communication plan and record"

    def ready(self):
        from comms import inbound, tracking  # noqa: F401  (they connect Anymail's webhook receivers)
