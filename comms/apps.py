from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = "Communication plan and record"

    def ready(self):
        from comms import tracking  # noqa: F401  (connects the delivery-tracking receiver)
