"""The admin application, with kb's admin site as Django's default ``admin.site``."""

from django.contrib.admin.apps import AdminConfig


class CurationAdminConfig(AdminConfig):
    """``django.contrib.admin`` whose default site asks every user for a second factor
    (``kb.curation.accounts.site.CurationAdminSite``). Everything registered with
    ``admin.site``, including admin pages added later, is behind it."""

    default_site = "kb.curation.accounts.site.CurationAdminSite"
