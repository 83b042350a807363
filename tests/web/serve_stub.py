"""``python -m tests.web.serve_stub DATA_DIR PORT [DB_URL]``: the web app as ``motorobs
serve`` runs it, but analysing with the stand-in job function (``tests.web.fakes``) in two
worker processes. Used by the tests that kill a server.

Imports stay inside the main block: worker processes import this module again (as
``__mp_main__``) and need none of it.
"""

if __name__ == "__main__":
    import sys
    from pathlib import Path

    from motorobs.web.server import serve
    from tests.web.support import settings_for

    data_dir, port = Path(sys.argv[1]), int(sys.argv[2])
    db_url = sys.argv[3] if len(sys.argv) > 3 else None
    serve(settings_for(data_dir, db_url, workers=2), "127.0.0.1", port, log_level="warning")
