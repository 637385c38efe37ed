from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Clients and projects"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from projects.team_language import remember_at_sign_in

        user_logged_in.connect(remember_at_sign_in, dispatch_uid="member_language")
