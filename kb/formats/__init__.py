"""Dates and times as each language writes them (``FORMAT_MODULE_PATH``).

Django's own formats are kept except where kb's pages have always written dates their own
way: English "23 November 2026", not Django's "Nov. 23, 2026". Templates use the named
formats (``|date:"DATE_FORMAT"``), so every language writes its own.
"""
