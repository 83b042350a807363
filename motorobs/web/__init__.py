"""The therapists' web app (``motorobs serve``; ``pip install "motorobs[web]"``).

Therapists sign in, keep a caseload of children (pseudonymous codes), upload caregivers'
clips, and read each clip's report once the background analysis
(:mod:`motorobs.batch`) is done. See docs/web.md.

* :mod:`~motorobs.web.app`: the FastAPI app (:func:`create_app`);
* :mod:`~motorobs.web.settings`: :class:`WebSettings`;
* :mod:`~motorobs.web.models`, :mod:`~motorobs.web.db`, ``migrations/``: the database;
* :mod:`~motorobs.web.accounts`, :mod:`~motorobs.web.login_sessions`,
  :mod:`~motorobs.web.security`, :mod:`~motorobs.web.throttle`, :mod:`~motorobs.web.auth`:
  accounts, sign-in, tokens and CSRF;
* :mod:`~motorobs.web.caseload`, :mod:`~motorobs.web.actions`, :mod:`~motorobs.web.audit`:
  the caseload, what can be done to it, and the audit log;
* :mod:`~motorobs.web.multipart`, :mod:`~motorobs.web.intake`, :mod:`~motorobs.web.storage`:
  uploads, checked and stored under generated names;
* :mod:`~motorobs.web.jobqueue`, :mod:`~motorobs.web.worker`: background analysis;
* :mod:`~motorobs.web.reading`, :mod:`~motorobs.web.summary`, :mod:`~motorobs.web.views`,
  :mod:`~motorobs.web.ages`: what the pages and the API show.
"""

from motorobs.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]


def create_app(settings: WebSettings):
    """The FastAPI app (see :func:`motorobs.web.app.create_app`)."""
    from motorobs.web.app import create_app as _create_app

    return _create_app(settings)
