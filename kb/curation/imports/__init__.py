"""Importing tactics, countermeasures, sources, citations and countermeasure links from
spreadsheets (CSV and XLSX) shaped like the downloads, with django-import-export.

- ``formats``: reading an uploaded file into rows, with its limits;
- ``cells``: reading cells as the downloads wrote them (guards, lists, terms, IDs, dates);
- ``resources``: what each row does: a new draft, an edit of a draft, or a pending
  revision of an entry past draft, never a change to a live entry; each row's outcome
  and reasons for the preview.

The admin's side (the import page, its preview and confirm step, permissions) is in
``kb.curation.admin.imports``; what curators see is described in docs/curation.md.
"""
