from django.urls import path

from xiaobao.tipoffs import views

app_name = "tipoffs"

# Every action on a report or a clue is its own POST endpoint, named after the action.
_report_actions = [
    path(f"fundraising/r/<str:number>/{name}/", views.report_action, {"action": name}, name=f"report_{name}")
    for name in views.REPORT_ACTIONS.names()
]
_clue_actions = [
    path(f"fundraising/clues/<str:number>/{name}/", views.clue_action, {"action": name}, name=f"clue_{name}")
    for name in views.CLUE_ACTIONS.names()
]

urlpatterns = [
    # The reporter's pages: the receipt travels only in POST bodies, never in these paths.
    path("report/", views.report_new, name="new"),
    path("report/lookup/", views.lookup, name="lookup"),
    path("report/lookup/reply/", views.reply, name="reply"),
    # The officers' desk.
    path("fundraising/", views.queue, name="queue"),
    path("fundraising/export/", views.queue_export, name="export"),
    path("fundraising/r/<str:number>/", views.report_detail, name="report"),
    path("fundraising/r/<str:number>/reveal/", views.report_reveal, name="report_reveal"),
    path("fundraising/r/<str:number>/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    *_report_actions,
    path("fundraising/clues/<str:number>/", views.clue_detail, name="clue"),
    path("fundraising/clues/<str:number>/dossier.pdf", views.clue_dossier, name="clue_dossier"),
    *_clue_actions,
]
