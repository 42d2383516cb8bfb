"""The knowledge base for reading offline: the list of its published pages, the search index
a browser reads without a server, and the static copy for download (docs/offline.md).

- ``pages``: every public page address of the published content, per language: what the
  static copy renders and what a service worker saves with "save everything".
- ``search_index``: per language, the published search documents as a JavaScript file that
  sets ``window.kbSearchIndex`` (a ``<script>`` loads it, from ``file://`` too), read by
  ``static/kb/offline-search.js`` on the offline search page (``views``).
- ``export``: the static copy itself (every page rendered through the real views, links
  made relative), zipped into the downloads edition (kb.downloads.build) and written by
  ``manage.py build_offline_copy``.
"""
