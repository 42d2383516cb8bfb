"""The read-only JSON API: serializers, views, paging, and the OpenAPI description with the
reference page rendered from it. Lists come from kb.lists, as the HTML lists do."""
