from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from zhibu.core import admin_site  # noqa: F401  (admin for superusers only)

urlpatterns = [
    path("", include("zhibu.core.urls")),
    path("accounts/", include("zhibu.accounts.urls")),
    path("orgs/", include("zhibu.orgs.urls")),
    path("members/", include("zhibu.members.urls")),
    path("meetings/", include("zhibu.meetings.urls")),
    path("notices/", include("zhibu.notices.urls")),
    path("reports/", include("zhibu.reports.urls")),
    path("", include("zhibu.rulebook.urls")),
    path("lifemeetings/", include("zhibu.lifemeetings.urls")),
    path("", include("zhibu.textcheck.urls")),
    path("rectification/", include("zhibu.rectification.urls")),
    path("ballots/", include("zhibu.ballots.urls")),
    path("evaluations/", include("zhibu.evaluations.urls")),
    path("dues/", include("zhibu.dues.urls")),
    path("admin/", admin.site.urls),
]
