"""Staff accounts: signing in to the admin with a password and a second factor (django-otp:
a code from an authenticator app, or a single-use recovery code), enrolling an app, and
the one form that creates a contributor or reviewer.

Nothing here is imported while Django loads its applications (``apps.CurationAdminConfig``
names the admin site by its path), so that these modules may use the models.
"""
