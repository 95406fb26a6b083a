"""The API, version 1, mounted at /api/v1/. Paths are a contract with other departments' systems."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from xiaobao.accounts import token_api
from xiaobao.complaints import api as complaints
from xiaobao.core import api
from xiaobao.credit import api as credit
from xiaobao.disclosure import api as disclosure
from xiaobao.disputes import api as disputes
from xiaobao.products import api as products
from xiaobao.riskwarnings import api as riskwarnings
from xiaobao.tipoffs import api as tipoffs

app_name = "api"
urlpatterns = [
    path("auth/token", token_api.TokenView.as_view(), name="token"),
    path("complaints/", complaints.ComplaintListView.as_view(), name="complaint-list"),
    path("complaints/<str:number>/", complaints.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("complaints/<str:number>/accept", complaints.AcceptView.as_view(), name="complaint-accept"),
    path("complaints/<str:number>/refuse", complaints.RefuseView.as_view(), name="complaint-refuse"),
    path("complaints/<str:number>/transfer", complaints.TransferView.as_view(), name="complaint-transfer"),
    path("complaints/<str:number>/return", complaints.ReturnView.as_view(), name="complaint-return"),
    path("complaints/<str:number>/extend", complaints.ExtendView.as_view(), name="complaint-extend"),
    path("complaints/<str:number>/answer", complaints.AnswerView.as_view(), name="complaint-answer"),
    path("complaints/<str:number>/feedback", complaints.FeedbackView.as_view(), name="complaint-feedback"),
    path("complaints/<str:number>/review", complaints.ReviewView.as_view(), name="complaint-review"),
    path("complaints/<str:number>/withdraw", complaints.WithdrawView.as_view(), name="complaint-withdraw"),
    path("complaints/<str:number>/supervise", complaints.SuperviseView.as_view(), name="complaint-supervise"),
    path("complaints/<str:number>/messages", complaints.MessagesView.as_view(), name="complaint-messages"),
    path("complaints/<str:number>/survey", complaints.SurveyView.as_view(), name="complaint-survey"),
    path("complaints/<str:number>/follow_up", complaints.FollowUpView.as_view(), name="complaint-follow_up"),
    path("tipoffs/", tipoffs.ReportCreateView.as_view(), name="tipoff-create"),
    path("tipoffs/lookup/", tipoffs.ReportLookupView.as_view(), name="tipoff-lookup"),
    path("disputes/", disputes.DisputeListView.as_view(), name="dispute-list"),
    path("disputes/stats", disputes.StatsView.as_view(), name="dispute-stats"),
    path("disputes/<str:dispute_number>/", disputes.DisputeDetailView.as_view(), name="dispute-detail"),
    path("mediation-bodies/", disputes.BodyListView.as_view(), name="mediation-body-list"),
    path("public/complaints/", disclosure.PublicComplaintsView.as_view(), name="public-complaints"),
    path("public/complaints/trends/", disclosure.PublicTrendsView.as_view(), name="public-trends"),
    path(
        "public/complaints/<str:complaint_id>/", disclosure.PublicComplaintDetailView.as_view(), name="public-complaint"
    ),
    path("public/credit/", credit.PublicCreditView.as_view(), name="public-credit"),
    path("public/institutions/", disclosure.PublicInstitutionsView.as_view(), name="public-institutions"),
    path("public/products/", products.PublicProductsView.as_view(), name="public-products"),
    path("suitability/check", products.SuitabilityCheckView.as_view(), name="suitability-check"),
    path("public/risk-warnings/", riskwarnings.PublicRiskWarningsView.as_view(), name="public-risk-warnings"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api.api_docs, name="docs"),
]
