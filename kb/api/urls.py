"""The open data API's addresses (the ``api`` namespace)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from kb.api import views
from kb.api.reference import api_reference

router = DefaultRouter()
router.register("tactics", views.TacticViewSet, basename="tactic")
router.register("countermeasures", views.CountermeasureViewSet, basename="countermeasure")
router.register("sources", views.SourceViewSet, basename="source")
for prefix, vocabulary in views.VOCABULARY_ROUTES.items():
    router.register(prefix, views.vocabulary_viewset(vocabulary), basename=prefix)

urlpatterns = [
    path("search/", views.SearchList.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_reference, name="docs"),
    *router.urls,
]
