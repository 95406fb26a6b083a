from django.urls import path

from xiaobao.complaints import views

app_name = "complaints"

# Every action on the detail page is its own POST endpoint, named after the action.
_action_paths = [
    path(f"c/<str:number>/{name}/", views.complaint_action, {"action": name}, name=name)
    for name in views.ACTIONS.names()
]

urlpatterns = [
    path("complaints/new/", views.complaint_new, name="new"),
    path("complaints/new/submitted/", views.complaint_submitted, name="submitted"),
    path("complaints/institutions/", views.institution_search, name="institution_search"),
    path("track/", views.track, name="track"),
    path("track/recover/", views.track_recover, name="track_recover"),
    path("c/<str:number>/", views.complaint_detail, name="detail"),
    path("c/<str:number>/reveal/", views.reveal_personal_data, name="reveal"),
    path("c/<str:number>/message/", views.message_post, name="message"),
    path("c/<str:number>/notices/<int:notice>/respond/", views.supervision_respond, name="respond"),
    path("c/<str:number>/files/<int:pk>/", views.attachment_download, name="attachment"),
    *_action_paths,
    path("work/", views.queue, name="queue"),
    path("work/export/", views.queue_export, name="export"),
    path("work/new/", views.staff_new, name="staff_new"),
    path("my/complaints/", views.my_complaints, name="mine"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
