"""The shell every page is drawn in: navigation for the user's role and the current organization."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from zhibu.accounts.access import scope_for
from zhibu.notices.queries import unread_count


def _item(
    request: HttpRequest, label: str, url: str, icon: str, *, exact: bool = False
) -> dict[str, Any]:
    path = request.path
    active = path == url if exact else path.startswith(url)
    return {"label": label, "url": url, "icon": icon, "active": active}


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shell": {"role": "anonymous", "nav": [], "tabs": []}}
    scope = scope_for(user)
    org = getattr(request, "current_org", None) or scope.primary_org
    path = request.path
    nav: list[dict[str, Any]] = [_item(request, "首页", reverse("core:home"), "home", exact=True)]
    if scope.is_officer:
        nav.append(_item(request, "组织", reverse("orgs:tree"), "tree"))
        target = org if org is not None and scope.can_manage_org(org) else scope.primary_org
        if target is not None:
            members_url = reverse("members:list", args=[target.code])
            record = path.startswith("/members/") and path[9:10].isdigit()
            nav.append(
                {"label": "党员", "url": members_url, "icon": "users",
                 "active": path.startswith(members_url) or record}
            )  # fmt: skip
            nav.append(
                _item(
                    request, "制度落实", reverse("rulebook:compliance", args=[target.code]), "check"
                )
            )
            nav.append(
                {**_item(request, "征求意见", reverse("ballots:list", args=[target.code]), "file"),
                 "active": path.startswith("/ballots/") and not path.startswith("/ballots/mine/")}
            )  # fmt: skip
            ledger_url = reverse("rectification:ledger", args=[target.code])
            nav.append(
                {"label": "整改", "url": ledger_url, "icon": "alert",
                 "active": path.startswith("/rectification/") and not path.startswith(
                     reverse("rectification:mine"))}
            )  # fmt: skip
            if target.kind == "branch":
                meetings_url = reverse("meetings:branch", args=[target.code])
                in_meeting = path.startswith("/meetings/") and path[10:11].isdigit()
                nav.append(
                    {"label": "会议", "url": meetings_url, "icon": "calendar",
                     "active": path.startswith(meetings_url) or in_meeting}
                )  # fmt: skip
                nav.append(
                    {**_item(request, "组织生活会",
                             reverse("lifemeetings:list", args=[target.code]), "users"),
                     "active": path.startswith("/lifemeetings/")}
                )  # fmt: skip
                nav.append(
                    {**_item(request, "民主评议",
                             reverse("evaluations:list", args=[target.code]), "check"),
                     "active": path.startswith("/evaluations/")
                     and not path.startswith(reverse("evaluations:mine"))}
                )  # fmt: skip
                nav.append(
                    {**_item(request, "党费", reverse("dues:sheet", args=[target.code]), "file"),
                     "active": path.startswith("/dues/") and not path.startswith("/dues/mine/")}
                )  # fmt: skip
                nav.append(
                    _item(
                        request,
                        "导入花名册",
                        reverse("members:import", args=[target.code]),
                        "upload",
                    )
                )
            else:
                nav.append(_item(request, "优秀党员",
                                 reverse("evaluations:excellent", args=[target.code]), "users"))  # fmt: skip
    if scope.member is not None:
        nav.append(_item(request, "组织生活", reverse("meetings:mine"), "book", exact=True))
        nav.append(_item(request, "我的整改", reverse("rectification:mine"), "check", exact=True))
        nav.append(_item(request, "我的投票", reverse("ballots:mine"), "file", exact=True))
        nav.append(_item(request, "我的评议", reverse("evaluations:mine"), "check", exact=True))
        nav.append(_item(request, "我的党费", reverse("dues:mine"), "file", exact=True))
    unread = unread_count(user)
    nav.append({**_item(request, "通知", reverse("notices:list"), "bell"), "count": unread})
    nav.append(_item(request, "我的", reverse("members:me"), "user"))
    if user.is_superuser:
        nav.append(_item(request, "系统管理", reverse("admin:index"), "settings"))
    tabs = [
        _item(request, "首页", reverse("core:home"), "home", exact=True),
        {**_item(request, "组织生活", reverse("meetings:mine"), "calendar"),
         "active": path.startswith("/meetings/")},
        _item(request, "我的", reverse("members:me"), "user"),
    ]  # fmt: skip
    member = scope.member
    return {
        "shell": {
            "role": scope.role,
            "is_officer": scope.is_officer,
            "user_label": member.name if member else user.get_username(),
            "org": org,
            "nav": nav,
            "tabs": tabs,
            "unread": unread,
        }
    }
