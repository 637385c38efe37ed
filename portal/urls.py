from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("link/<str:token>/", views.open_link, name="open_link"),
    path("projects/<int:pk>/", views.project_status, name="project"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("visuals/<int:pk>/", views.visual, name="visual"),
    path("new-link/", views.request_link, name="request_link"),
    path("projects/<int:pk>/calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
