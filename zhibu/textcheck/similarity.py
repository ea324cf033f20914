"""Near-identical problems: copied between members of a branch, or repeated from an earlier year.

Two rules over many texts. ``copied_across_members`` is the 轮流分配/大锅饭 pattern: the members
of one branch list, in one year, the same problem in nearly the same words. ``repeated_from_last_
year`` is one owner listing a problem again that they listed in an earlier year (the caller sets
``Problem.recurs`` from it).

Texts are compared after ``rules.normalize`` (no punctuation or spaces, half-width, simplified),
by rapidfuzz's ``fuzz.ratio``: 2·(longest common subsequence)/(total length), so one changed
character in a 20-character problem still scores 0.95. Only texts that could pair are compared:
copies within one branch and year, repeats within one owner. A county's 100,000 problems are a
few thousand such blocks of a few hundred texts, never 100,000² pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from zhibu.textcheck.rules import COPIED, REPEATED, Finding, normalize, trimmed_span

# Texts shorter than this (normalized) are not compared: two members who both wrote “无” have
# not copied each other.
MIN_CHARS = 4


@dataclass(frozen=True)
class Item:
    """One text to compare: a problem, with whose it is and where and when it was found."""

    id: object
    owner: object  # hashable: ("member", 12) or ("committee", 5)
    group: object  # hashable: the branch (organization id)
    year: int
    text: str


@dataclass(frozen=True)
class Pair:
    """Two near-identical items. For repeats ``a`` is the later item and ``b`` the earlier."""

    a: object
    b: object
    score: float  # 0..1


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0..1, after normalizing both. Symmetric."""
    return fuzz.ratio(normalize(a), normalize(b)) / 100


def _prepared(items: Iterable[Item]) -> list[tuple[Item, str]]:
    prepared = []
    for item in items:
        text = normalize(item.text)
        if len(text) >= MIN_CHARS:
            prepared.append((item, text))
    return prepared


def find_copies(items: Iterable[Item], threshold: float) -> list[Pair]:
    """Pairs of items of the same group and year, of different owners, at least ``threshold``
    alike. Each pair once, ``a`` the one that came first in ``items``."""
    blocks: dict[tuple[object, int], list[tuple[Item, str]]] = defaultdict(list)
    for item, text in _prepared(items):
        blocks[(item.group, item.year)].append((item, text))
    cutoff = threshold * 100
    pairs = []
    for block in blocks.values():
        if len(block) < 2 or len({item.owner for item, _ in block}) < 2:
            continue
        texts = [text for _, text in block]
        for i, (item, text) in enumerate(block[:-1]):
            # rapidfuzz compares one text with many in C and skips, by their lengths alone,
            # the texts that cannot reach the cutoff.
            matches = process.extract(
                text, texts[i + 1 :], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            )
            for _, score, j in matches:
                other = block[i + 1 + j][0]
                if other.owner != item.owner and score >= cutoff:
                    pairs.append(Pair(item.id, other.id, score / 100))
    return pairs


def find_repeats(items: Iterable[Item], threshold: float) -> list[Pair]:
    """For each item, the owner's most alike item of an earlier year, when at least
    ``threshold`` alike (on a tie, the latest year). ``a`` is the later item, ``b`` the earlier."""
    owners: dict[object, list[tuple[Item, str]]] = defaultdict(list)
    for item, text in _prepared(items):
        owners[item.owner].append((item, text))
    cutoff = threshold * 100
    pairs = []
    for block in owners.values():
        if len({item.year for item, _ in block}) < 2:
            continue
        for item, text in block:
            best: tuple[float, int, Item] | None = None
            for other, other_text in block:
                if other.year >= item.year:
                    continue
                score = fuzz.ratio(text, other_text, score_cutoff=cutoff)
                if score >= cutoff and (best is None or (score, other.year) > best[:2]):
                    best = (score, other.year, other)
            if best is not None:
                pairs.append(Pair(item.id, best[2].id, best[0] / 100))
    return pairs


# Who the other item belongs to, as the message says it: by the first part of ``Item.owner``.
OWNER_WORDS = {
    "member": "本支部另一名党员",
    "committee": "本支部支委会（班子）",
    "branch": "本支部以支部名义",
}


def _owner_word(owner: object) -> str:
    kind = owner[0] if isinstance(owner, tuple) and owner else None
    return OWNER_WORDS.get(kind, "本支部其他人") if isinstance(kind, str) else "本支部其他人"


def _percent(score: float) -> int:
    # Rounded down: a pair at 0.799 is not shown as 80% when the threshold is 80%.
    return int(score * 100 + 1e-9)


def cross_findings(items: Iterable[Item], threshold: float) -> dict[object, list[Finding]]:
    """The copy and repeat findings of each item (every item id is a key; most lists are
    empty). A finding spans the whole text and names the other item in ``other``: for a copy,
    the most alike of the others (the message says how many there are)."""
    items = list(items)
    by_id = {item.id: item for item in items}
    result: dict[object, list[Finding]] = {item.id: [] for item in items}
    copies: dict[object, list[tuple[float, object]]] = defaultdict(list)
    for pair in find_copies(items, threshold):
        copies[pair.a].append((pair.score, pair.b))
        copies[pair.b].append((pair.score, pair.a))
    for item_id, matches in copies.items():
        item = by_id[item_id]
        score, other_id = max(matches, key=lambda m: m[0])
        more = f"，同样的还有{len(matches) - 1}条" if len(matches) > 1 else ""
        message = (
            f"与{_owner_word(by_id[other_id].owner)}查摆的问题几乎相同"
            f"（相似度{_percent(score)}%）{more}，像是轮流分配或互相照抄；"
            "请写自己的具体问题和具体事实"
        )
        start, end = trimmed_span(item.text)
        result[item_id].append(
            Finding(COPIED, start, end, item.text[start:end], message, other=other_id)
        )
    for pair in find_repeats(items, threshold):
        item, earlier = by_id[pair.a], by_id[pair.b]
        message = (
            f"与{earlier.year}年查摆的问题几乎相同（相似度{_percent(pair.score)}%）；"
            "如果是老问题没有改好，请说明原因并标为反复出现的问题，否则请写今年的具体问题"
        )
        start, end = trimmed_span(item.text)
        result[pair.a].append(
            Finding(REPEATED, start, end, item.text[start:end], message, other=pair.b)
        )
    return result
