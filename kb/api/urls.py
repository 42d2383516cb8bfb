"""The open data API's addresses (the ``api`` namespace)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from kb.api import views
from kb.api.languages import UnknownLanguage, answer_language
from kb.api.reference import api_reference


@extend_schema(exclude=True)
class SchemaView(views.LicensedAnswers, SpectacularAPIView):
    """The OpenAPI description. drf-spectacular answers it in whatever language ``?lang=``
    names; only kb's languages are taken, since each value would be an answer of its own
    in the page cache."""

    def get(self, request: Request, *args, **kwargs) -> Response:
        try:
            answer_language(request)
        except UnknownLanguage as refusal:
            return Response({"lang": [str(refusal)]}, status=400)
        return super().get(request, *args, **kwargs)


router = DefaultRouter()
router.APIRootView = views.ApiRoot
router.register("tactics", views.TacticViewSet, basename="tactic")
router.register("countermeasures", views.CountermeasureViewSet, basename="countermeasure")
router.register("sources", views.SourceViewSet, basename="source")
for prefix, vocabulary in views.VOCABULARY_ROUTES.items():
    router.register(prefix, views.vocabulary_viewset(vocabulary), basename=prefix)

urlpatterns = [
    path("search/", views.SearchList.as_view(), name="search"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", api_reference, name="docs"),
    *router.urls,
]
