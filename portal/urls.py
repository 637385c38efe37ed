from django.urls import path

from portal import satisfaction_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("link/<str:token>/", views.open_link, name="open_link"),
    path("projects/<int:pk>/", views.project_status, name="project"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("visuals/<int:pk>/", views.visual, name="visual"),
    path("new-link/", views.request_link, name="request_link"),
    path("projects/<int:pk>/calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("satisfaction/<str:token>/", satisfaction_views.question, name="satisfaction"),
    path("satisfaction/<str:token>/thanks/", satisfaction_views.thanks, name="satisfaction_thanks"),
    path(
        "projects/<int:pk>/satisfaction/", satisfaction_views.answer_on_portal, name="satisfaction_on_portal"
    ),
]
