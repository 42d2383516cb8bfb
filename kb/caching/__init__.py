"""Caching of public pages for anonymous readers: the middleware, and where pages and the
content version they were rendered at are kept (Django's cache: Redis or files)."""
