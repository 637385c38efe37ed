from django.urls import path

from dashboard import member_views, satisfaction_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.portfolio_page, name="portfolio"),
    path("search/", views.search_page, name="search"),
    path("moves/", views.moves_page, name="moves"),
    path("you/", member_views.member_settings_page, name="member_settings"),
    path("projects/new/", views.new_project_page, name="new_project"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/kickoff/", views.log_kickoff_view, name="log_kickoff"),
    path("projects/<int:pk>/drafts/<int:update_pk>/", views.save_draft, name="save_draft"),
    path(
        "projects/<int:pk>/drafts/<int:update_pk>/preview/<str:audience>/",
        views.preview_draft,
        name="preview_draft",
    ),
    path(
        "projects/<int:pk>/drafts/<int:update_pk>/texts/<str:language>/",
        views.save_draft_text,
        name="save_draft_text",
    ),
    path("projects/<int:pk>/drafts/<int:update_pk>/visuals/", views.add_visual_view, name="add_visual"),
    path("projects/<int:pk>/visuals/<int:visual_pk>/remove/", views.remove_visual_view, name="remove_visual"),
    path("visuals/<int:pk>/", views.visual_view, name="visual"),
    path("projects/<int:pk>/decisions/", views.log_decision_view, name="log_decision"),
    path("projects/<int:pk>/commitments/", views.add_commitment_view, name="add_commitment"),
    path(
        "projects/<int:pk>/commitments/<int:commitment_pk>/done/",
        views.complete_commitment_view,
        name="complete_commitment",
    ),
    path(
        "projects/<int:pk>/commitments/<int:commitment_pk>/progress/",
        views.commitment_progress_view,
        name="commitment_progress",
    ),
    path(
        "projects/<int:pk>/commitments/<int:commitment_pk>/waiting/",
        views.commitment_waiting_view,
        name="commitment_waiting",
    ),
    path(
        "projects/<int:pk>/feedback/<int:answer_pk>/promise/",
        satisfaction_views.feedback_promise_view,
        name="feedback_promise",
    ),
    path("projects/<int:pk>/phase/", views.change_phase_view, name="change_phase"),
    path("projects/<int:pk>/launch/", views.record_launch_view, name="record_launch"),
    path("projects/<int:pk>/plan/channels/", views.channels_view, name="channels"),
    path("projects/<int:pk>/plan/cadence/", views.cadence_view, name="cadence"),
    path("projects/<int:pk>/plan/people/", views.people_view, name="people"),
    path("projects/<int:pk>/plan/delivery/", views.delivery_terms_view, name="delivery_terms"),
    path("projects/<int:pk>/plan/connections/", views.connections_view, name="connections"),
    path("projects/<int:pk>/contacts/", views.add_contact_view, name="add_contact"),
    path("projects/<int:pk>/contacts/<int:contact_pk>/", views.edit_contact_view, name="edit_contact"),
    path(
        "projects/<int:pk>/contacts/<int:contact_pk>/portal/",
        views.contact_portal_view,
        name="contact_portal",
    ),
    path(
        "projects/<int:pk>/contacts/<int:contact_pk>/deactivate/",
        views.deactivate_contact_view,
        name="deactivate_contact",
    ),
    path("projects/<int:pk>/plan/escalation-path/", views.escalation_path_view, name="escalation_path"),
    path("projects/<int:pk>/meetings/", views.log_meeting_view, name="log_meeting"),
    path("projects/<int:pk>/mail/<int:message_pk>/reply/", views.reply_view, name="reply"),
    path(
        "projects/<int:pk>/mail/<int:message_pk>/phoned/",
        views.answered_by_phone_view,
        name="answered_by_phone",
    ),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("projects/<int:pk>/escalations/", views.raise_escalation_view, name="raise_escalation"),
    path(
        "projects/<int:pk>/escalations/<int:escalation_pk>/acknowledge/",
        views.acknowledge_escalation_view,
        name="acknowledge_escalation",
    ),
    path(
        "projects/<int:pk>/escalations/<int:escalation_pk>/step/",
        views.escalation_step_view,
        name="escalation_step",
    ),
]
