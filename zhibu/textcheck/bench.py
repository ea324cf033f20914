"""How long the copy and repeat checks take over a county's problems (synthetic, no database).

``bench_similarity`` builds branches of about 30 members, each listing about 4 problems in each
of 2 years, plus the branch committee's own; it plants copies (one member's problem in another
member's name, lightly edited) and repeats (last year's problem again), then times
``find_copies`` and ``find_repeats``. The figure the issue asks for is ``seconds`` at
n=100,000 (under 30 s).
"""

from __future__ import annotations

import random
import time
from typing import Any

from zhibu.textcheck.similarity import Item, find_copies, find_repeats

YEARS = (2025, 2026)
COPY_RATE = 0.05  # of the later year's member problems: copied from another member
REPEAT_RATE = 0.05  # of the later year's member problems: last year's again

# The pieces real problems are made of: a stock opening, then the facts that make it one
# person's. Several pieces with numbers, places and titles make two members' texts differ the
# way real ones do.
OPENINGS = (
    "理论学习不够深入", "联系群众不够紧密", "工作作风不够扎实", "创新意识不强", "批评与自我批评不够",
    "宗旨意识有所淡化", "担当意识不强", "纪律意识有待加强", "学用结合不够", "调查研究不够",
    "先锋模范作用发挥不够", "服务意识不强", "组织观念不强", "党性修养有待提高", "政治站位不高",
)  # fmt: skip
FACTS = (
    "{y}年上半年参加支部集中学习{a}次，缺席{b}次",
    "对《{doc}》第{c}章只读了一遍，没有写学习体会",
    "{m}月在{place}走访时，{n}户群众反映的{issue}问题没有及时跟进",
    "在{task}工作中，有{a}项任务没有按期完成",
    "全年参加组织生活{a}次，其中{b}次迟到",
    "{place}{issue}问题拖了{b}个月才解决",
    "例如{m}月的主题党日活动，准备不充分，讲话稿照念",
    "学习强国积分全年只有{score}分，在支部排在后{b}名",
    "谈心谈话只找了{b}名党员，没有覆盖{place}的流动党员",
    "{m}月{d}日的支部委员会会议没有按时参加，也没有请假",
    "对{issue}问题的整改只做到了一半，{place}群众有意见",
    "讲党课{b}次，内容都是照着材料念，没有结合{place}实际",
    "在{task}中存在等靠思想，{a}项工作依赖上级督办",
    "发展党员工作中，{b}名入党积极分子的培养考察记录不全",
    "党费收缴中有{b}个月没有按时交纳",
)  # fmt: skip
DOCS = ("中国共产党支部工作条例（试行）", "中国共产党纪律处分条例", "中国共产党章程",
        "关于新形势下党内政治生活的若干准则", "中国共产党党员教育管理工作条例")  # fmt: skip
PLACES = ("东湖村", "西山村", "南岭社区", "北关街道", "清河镇", "柳树湾村", "城关社区",
          "石桥村", "新民村", "红星社区", "第三车间", "东风小区")  # fmt: skip
ISSUES = ("道路硬化", "饮水安全", "低保评定", "宅基地纠纷", "垃圾清运", "路灯维修", "医保缴纳",
          "危房改造", "土地流转", "噪音扰民")  # fmt: skip
TASKS = ("乡村振兴", "防汛抗旱", "人居环境整治", "疫情防控", "信访维稳", "森林防火",
         "文明城市创建", "安全生产检查")  # fmt: skip


def _problem(rng: random.Random, year: int) -> str:
    facts = rng.sample(FACTS, rng.randint(1, 2))
    values = {
        "y": year, "a": rng.randint(1, 12), "b": rng.randint(1, 6), "c": rng.randint(1, 10),
        "m": rng.randint(1, 12), "d": rng.randint(1, 28), "n": rng.randint(2, 20),
        "score": rng.randint(800, 9000), "doc": rng.choice(DOCS), "place": rng.choice(PLACES),
        "issue": rng.choice(ISSUES), "task": rng.choice(TASKS),
    }  # fmt: skip
    return "，".join([rng.choice(OPENINGS), *(f.format(**values) for f in facts)]) + "。"


def _edited(rng: random.Random, text: str) -> str:
    """A light edit of ``text``, as when a copy is retyped: punctuation, width or one word."""
    way = rng.randrange(4)
    if way == 0:
        return text.replace("，", "、", 1).replace("。", "")
    if way == 1:
        return text.translate(str.maketrans("0123456789，", "０１２３４５６７８９,"))
    if way == 2:
        i = rng.randrange(len(text))
        return text[:i] + "还" + text[i:]
    return " " + text.replace("，", "， ", 1)


def synthetic_items(n: int, seed: int = 0) -> tuple[list[Item], set[frozenset[Any]], set[Any]]:
    """``n`` items, the copied pairs planted (as sets of two ids) and the repeating ids."""
    rng = random.Random(seed)  # noqa: S311  (made-up data, not a secret)
    items: list[Item] = []
    planted_copies: set[frozenset[Any]] = set()
    planted_repeats: set[Any] = set()
    branch = 0
    while len(items) < n:
        branch += 1
        members = [("member", branch * 100 + i) for i in range(rng.randint(20, 40))]
        owners = [*members, ("committee", branch)]
        previous: dict[object, list[Item]] = {}
        for year in YEARS:
            this_year: list[Item] = []
            for owner in owners:
                for _ in range(rng.randint(3, 5)):
                    text = _problem(rng, year)
                    item = Item(len(items) + len(this_year), owner, branch, year, text)
                    earlier = previous.get(owner)
                    roll = rng.random()
                    if owner[0] == "member" and earlier and roll < REPEAT_RATE:
                        text = _edited(rng, rng.choice(earlier).text)
                        planted_repeats.add(item.id)
                    elif (
                        owner[0] == "member" and year != YEARS[0] and roll < REPEAT_RATE + COPY_RATE
                    ):
                        source = rng.choice([i for i in this_year if i.owner != owner] or [item])
                        if source is not item:
                            text = _edited(rng, source.text)
                            planted_copies.add(frozenset((item.id, source.id)))
                    this_year.append(Item(item.id, owner, branch, year, text))
            items.extend(this_year)
            previous = {}
            for item in this_year:
                previous.setdefault(item.owner, []).append(item)
    return items[:n], planted_copies, planted_repeats


def bench_similarity(n: int = 100_000, seed: int = 0, threshold: float = 0.8) -> dict[str, Any]:
    """Time ``find_copies`` and ``find_repeats`` over ``n`` synthetic problems."""
    items, planted_copies, planted_repeats = synthetic_items(n, seed)
    began = time.perf_counter()
    copies = find_copies(items, threshold)
    middle = time.perf_counter()
    repeats = find_repeats(items, threshold)
    ended = time.perf_counter()
    found_copies = {frozenset((p.a, p.b)) for p in copies}
    ids = {item.id for item in items}
    planted_copies = {pair for pair in planted_copies if pair <= ids}
    planted_repeats &= ids
    return {
        "items": len(items),
        "blocks": len({(item.group, item.year) for item in items}),
        "copies": len(copies),
        "repeats": len(repeats),
        "planted_copies": len(planted_copies),
        "planted_copies_found": len(planted_copies & found_copies),
        "planted_repeats": len(planted_repeats),
        "planted_repeats_found": len(planted_repeats & {p.a for p in repeats}),
        "copies_seconds": round(middle - began, 3),
        "repeats_seconds": round(ended - middle, 3),
        "seconds": round(ended - began, 3),
    }
