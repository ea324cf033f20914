"""The request type views receive once LoginRequiredMiddleware and django-htmx have run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from zhibu.accounts.models import User
    from zhibu.orgs.models import Organization


class Request(HttpRequest):
    """A logged-in request (every view but the public ones gets one)."""

    user: User
    htmx: HtmxDetails
    current_org: Organization | None
