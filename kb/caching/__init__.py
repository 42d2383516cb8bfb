"""Caching of public pages: the middleware, where pages and the content version are kept,
and the Redis backend they use when several application servers share one cache."""
