"""What every request handler reaches through ``request.app.state.ctx``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import Request

from motorobs.web.db import Database
from motorobs.web.jobqueue import JobQueue
from motorobs.web.settings import WebSettings
from motorobs.web.storage import Storage


@dataclass
class AppContext:
    settings: WebSettings
    db: Database
    storage: Storage
    queue: JobQueue

    def today(self) -> date:
        """Today's date where the server runs (session dates, age checks)."""
        return date.today()


def context_of(request: Request) -> AppContext:
    return request.app.state.ctx


def client_address(request: Request) -> str:
    """The client's address (the one uvicorn trusts: behind a proxy, X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"
