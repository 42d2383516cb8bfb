"""Benchmark and load tooling for kb, kept outside the application package.

Each tool is a Django management command run against the project's settings:

    python -m bench demo_data --tactics 10000   # fill a database with demo content
    python -m bench search                      # search latency, in process
    python -m bench load                        # gunicorn under wrk, against a static file
    python -m bench soak                        # the same server at saturation, watching memory
    python -m bench explain [URL...]            # EXPLAIN ANALYZE the main pages' queries

The Makefile's ``bench``, ``bench-search`` and ``soak`` targets run them; docs/performance.md
records what they measured.
"""
