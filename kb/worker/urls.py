"""The offline page and the manifest a saved copy is made from, in every language (included
in the ``kb`` namespace). The worker itself answers at the root: kb.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("offline/", views.offline, name="offline"),
    path("offline/manifest.json", views.manifest, name="offline-manifest"),
]
