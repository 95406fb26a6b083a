from django.urls import path

from xiaobao.ratings import views

app_name = "ratings"

_evaluation_actions = [
    path(f"ratings/evaluations/<int:pk>/{name}/", views.evaluation_action, {"action": name}, name=f"evaluation_{name}")
    for name in views.EVALUATION_ACTIONS.names()
]
_period_actions = [
    path(f"ratings/periods/<int:pk>/{name}/", views.period_action, {"action": name}, name=f"period_{name}")
    for name in views.PERIOD_ACTIONS.names()
]

urlpatterns = [
    path("ratings/", views.index, name="index"),
    path("ratings/periods/new/", views.period_new, name="period_new"),
    path("ratings/periods/<int:pk>/", views.period_detail, name="period"),
    path("ratings/periods/<int:pk>/ranking.xlsx", views.period_export, {"fmt": "xlsx"}, name="period_xlsx"),
    path("ratings/periods/<int:pk>/ranking.pdf", views.period_export, {"fmt": "pdf"}, name="period_pdf"),
    *_period_actions,
    path("ratings/evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("ratings/evaluations/<int:pk>/report.pdf", views.evaluation_pdf, name="evaluation_pdf"),
    path("ratings/evaluations/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    *_evaluation_actions,
    path("ratings/schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("ratings/surveys/new/", views.questionnaire_new, name="questionnaire_new"),
    path("ratings/surveys/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("ratings/surveys/<int:pk>/advance/", views.questionnaire_advance, name="questionnaire_advance"),
    path("ratings/surveys/<int:pk>/results.xlsx", views.questionnaire_export, name="questionnaire_xlsx"),
    # The public side.
    path("satisfaction/", views.satisfaction_index, name="satisfaction"),
    path("satisfaction/<int:pk>/", views.survey_answer, name="survey"),
]
