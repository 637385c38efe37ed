from django.urls import path

from projects import portal_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("link/<str:token>/", portal_views.open_link, name="open_link"),
    path("projects/<int:pk>/", portal_views.project_status, name="project"),
    path("sign-out/", portal_views.sign_out, name="sign_out"),
    path("new-link/", portal_views.request_link, name="request_link"),
    path("projects/<int:pk>/calendar/<str:token>.ics", portal_views.calendar_feed, name="calendar"),
]
