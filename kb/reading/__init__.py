"""The pages readers read: the views and their addresses, entry pages as published at a
version, citations of pages, the matrix, feeds and the sitemap. Lists come from kb.lists."""
