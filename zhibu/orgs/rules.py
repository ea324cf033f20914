"""Rules of the organization tree and of a branch's structure (RULES.md §2). Pure functions.

The numbers are data with their source so the rulebook can later supply versioned values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhibu.core.dates import add_months, add_years

COMMITTEE = "committee"
GENERAL_BRANCH = "general_branch"
BRANCH = "branch"
GROUP = "group"

KIND_LABELS = {COMMITTEE: "党委", GENERAL_BRANCH: "党总支", BRANCH: "党支部", GROUP: "党小组"}

# kind → the kinds its parent may have (None: it may be a root).
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    COMMITTEE: frozenset({None, COMMITTEE}),
    GENERAL_BRANCH: frozenset({COMMITTEE, GENERAL_BRANCH}),
    BRANCH: frozenset({COMMITTEE, GENERAL_BRANCH}),
    GROUP: frozenset({BRANCH}),
}


def parent_error(kind: str, parent_kind: str | None) -> str | None:
    """Why an organization of ``kind`` cannot sit under ``parent_kind``, or None if it can."""
    allowed = ALLOWED_PARENTS[kind]
    if parent_kind in allowed:
        return None
    label = KIND_LABELS[kind]
    if parent_kind is None:
        return f"{label}必须有上级组织"
    names = "或".join(KIND_LABELS[k] for k in (COMMITTEE, GENERAL_BRANCH, BRANCH) if k in allowed)
    where = f"作为最上级组织或设在{names}之下" if None in allowed else f"设在{names}之下"
    return f"{label}只能{where}，不能设在{KIND_LABELS[parent_kind]}之下"


def child_path(parent_path: str | None, pk: int) -> str:
    """Path of a node: its ancestors' ids and its own, ``/1/7/42/``."""
    return f"{parent_path or '/'}{pk}/"


def subtree_bounds(path: str) -> tuple[str, str]:
    """Half-open range [lo, hi) holding ``path`` and every path below it.

    Paths hold only digits and "/", and "/" sorts just before "0", so every descendant of
    ``/1/7/`` lies in [``/1/7/``, ``/1/70``). A range uses a plain B-tree index on any database.
    """
    return path, path[:-1] + "0"


def is_in_subtree(path: str, root_path: str) -> bool:
    return path.startswith(root_path)


def would_cycle(node_path: str, new_parent_path: str) -> bool:
    """Moving a node under itself or one of its descendants would make a cycle."""
    return new_parent_path.startswith(node_path)


def rebase(path: str, old_prefix: str, new_prefix: str) -> str:
    """The path of a subtree node after its subtree root moved from ``old_prefix``."""
    if not path.startswith(old_prefix):
        raise ValueError(f"{path} is not below {old_prefix}")
    return new_prefix + path[len(old_prefix) :]


def position_end_date(started: dt.date, on: dt.date) -> dt.date:
    """The first day out of office for a position ended ``on`` that day.

    A position always lasts at least one day, so one begun and ended on the same day (a
    correction) ends the day after it began.
    """
    return max(on, started + dt.timedelta(days=1))


def ancestor_ids(path: str) -> list[int]:
    """Ids on the path from the root down to the node itself."""
    return [int(p) for p in path.strip("/").split("/") if p]


# --- Branch structure (支部条例) -----------------------------------------------------------


@dataclass(frozen=True)
class StructureRules:
    min_full_members: int = 3
    max_members: int = 50
    committee_threshold: int = 7
    committee_min: int = 3
    committee_max: int = 7
    term_years: dict[str, int] = field(default_factory=lambda: {"village": 5, "community": 5})
    default_term_years: int = 3
    remind_months: int = 6
    source_min_full: str = "《中国共产党支部工作条例（试行）》第四条"
    source_max: str = "《中国共产党支部工作条例（试行）》第四条"
    source_committee: str = "《中国共产党支部工作条例（试行）》第二十条"
    source_term: str = "《中国共产党支部工作条例（试行）》第二十一条"


STRUCTURE = StructureRules()


FINDING_SHORT = {
    "too_few_full_members": "正式党员不足",
    "too_many_members": "党员人数过多",
    "committee_size": "支委会人数不符",
    "term_unknown": "未登记任期",
    "term_expired": "任期已届满",
    "term_expiring": "任期将届满",
}


@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # "danger" (a rule is broken) or "warning" (attention needed soon)
    message: str
    source: str

    @property
    def short(self) -> str:
        return FINDING_SHORT.get(self.code, self.code)


def term_years(unit_type: str, rules: StructureRules = STRUCTURE) -> int:
    return rules.term_years.get(unit_type, rules.default_term_years)


def term_end(started: dt.date, unit_type: str, rules: StructureRules = STRUCTURE) -> dt.date:
    return add_years(started, term_years(unit_type, rules))


def structure_findings(
    *,
    full_members: int,
    party_members: int,
    committee_size: int,
    term_started_on: dt.date | None,
    unit_type: str,
    today: dt.date,
    rules: StructureRules = STRUCTURE,
) -> list[Finding]:
    """What is wrong, or soon will be, with a branch's structure.

    ``party_members`` counts 正式 and 预备 members; ``committee_size`` the branch committee
    members holding a position today (书记, 副书记, 委员 …, not 党小组长).
    """
    out: list[Finding] = []
    if full_members < rules.min_full_members:
        out.append(
            Finding(
                "too_few_full_members",
                "danger",
                f"正式党员只有 {full_members} 人，少于 {rules.min_full_members} 人，"
                "不符合单独成立党支部的条件，应与邻近单位联合成立或调整设置",
                rules.source_min_full,
            )
        )
    if party_members > rules.max_members:
        out.append(
            Finding(
                "too_many_members",
                "warning",
                f"党员 {party_members} 人，超过 {rules.max_members} 人，宜分设党支部或设立党总支",
                rules.source_max,
            )
        )
    if full_members >= rules.committee_threshold and not (
        rules.committee_min <= committee_size <= rules.committee_max
    ):
        out.append(
            Finding(
                "committee_size",
                "danger",
                f"正式党员 {full_members} 人（{rules.committee_threshold} 人以上）应设支部委员会，"
                f"委员 {rules.committee_min}至5人、最多不超过 {rules.committee_max} 人，"
                f"现有 {committee_size} 人",
                rules.source_committee,
            )
        )
    if term_started_on is None:
        out.append(
            Finding(
                "term_unknown",
                "warning",
                "未登记本届任期开始日期，无法提醒换届",
                rules.source_term,
            )
        )
    else:
        end = term_end(term_started_on, unit_type, rules)
        years = term_years(unit_type, rules)
        if end <= today:
            out.append(
                Finding(
                    "term_expired",
                    "danger",
                    f"本届任期（{years}年）已于 {end.isoformat()} 届满，应按期换届",
                    rules.source_term,
                )
            )
        elif end <= add_months(today, rules.remind_months):
            out.append(
                Finding(
                    "term_expiring",
                    "warning",
                    f"本届任期（{years}年）将于 {end.isoformat()} 届满，请提前做好换届准备",
                    rules.source_term,
                )
            )
    return out
