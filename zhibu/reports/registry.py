"""The documents zhibu exports, and what each template receives.

Every export is a template (FORMS.md): a built-in default in ``zhibu/reports/defaults/`` that an
organization may replace with its own file. This registry is the one list of those documents.
For each it fixes the format and the context, field by field, so that

- the 导出模板 page can tell a secretary exactly which placeholders exist,
- an uploaded template is test-rendered against a sample built from the same fields, and
- a test checks that the context the export really builds has exactly these fields.

A later export adds a ``Document`` here, its default file (``scripts/make_export_templates.py``)
and a function that builds its context; the template mechanism does the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"

DOCX = "docx"
XLSX = "xlsx"
CONTENT_TYPES = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMAT_LABELS = {DOCX: "Word 文档（.docx）", XLSX: "Excel 表格（.xlsx）"}


@dataclass(frozen=True)
class Field:
    """One value: ``name`` may be dotted (``org.name``); ``sample`` is what a test render uses."""

    name: str
    label: str
    sample: Any = "示例"


@dataclass(frozen=True)
class Loop:
    """A list of records, written in a template with the loop variable ``var``."""

    name: str
    var: str
    label: str
    fields: tuple[Field | Loop, ...]
    samples: int = 2


Spec = tuple[Field | Loop, ...]


@dataclass(frozen=True)
class GuideLine:
    placeholder: str
    label: str
    depth: int
    is_loop: bool = False

    @property
    def indent(self) -> str:
        return "\u3000" * self.depth


@dataclass(frozen=True)
class Document:
    key: str
    name: str
    format: str
    description: str
    spec: Spec = field(repr=False)

    @property
    def suffix(self) -> str:
        return f".{self.format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.format]

    @property
    def default_path(self) -> Path:
        return DEFAULTS_DIR / f"{self.key}{self.suffix}"

    def default_bytes(self) -> bytes:
        return self.default_path.read_bytes()

    def sample(self) -> dict[str, Any]:
        """A context with every documented field filled, lists with two records each."""
        return _sample(self.spec)

    def paths(self) -> set[str]:
        """Every field as a path (``meetings[].topics[].title``), for tests and checks."""
        return set(_paths(self.spec, ""))

    def guide(self) -> list[GuideLine]:
        """The placeholders as a secretary writes them in this format's template."""
        return list(_guide(self.spec, self.format, "", 0))


def _put(target: dict[str, Any], dotted: str, value: Any) -> None:
    *heads, last = dotted.split(".")
    for head in heads:
        target = target.setdefault(head, {})
    target[last] = value


def _sample(spec: Spec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in spec:
        if isinstance(item, Loop):
            records = []
            for n in range(1, item.samples + 1):
                record = _sample(item.fields)
                for key in ("number", "index"):
                    if key in record:
                        record[key] = n if key == "number" else n - 1
                records.append(record)
            _put(out, item.name, records)
        else:
            _put(out, item.name, item.sample)
    return out


def _paths(spec: Spec, prefix: str) -> Iterator[str]:
    for item in spec:
        if isinstance(item, Loop):
            yield from _paths(item.fields, f"{prefix}{item.name}[].")
        else:
            yield f"{prefix}{item.name}"


def context_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """The same paths read off a real context: dicts by key, lists of dicts as ``name[]``."""
    for key, v in value.items():
        if isinstance(v, dict):
            yield from context_paths(v, f"{prefix}{key}.")
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for record in v:
                yield from context_paths(record, f"{prefix}{key}[].")
        else:
            yield f"{prefix}{key}"


def _guide(spec: Spec, fmt: str, scope: str, depth: int) -> Iterator[GuideLine]:
    for item in spec:
        ref = f"{scope}.{item.name}" if scope else item.name
        if isinstance(item, Loop):
            if fmt == DOCX or depth > 0:
                # Inside a repeated row, a list is written out in one cell with a for loop.
                head = f"{{% for {item.var} in {ref} %}} … {{% endfor %}}"
            elif item.var == "row":
                head = "逐行：含 {{ row.… }} 的一行按记录数重复"
            else:
                head = "逐列：含 {{ col.… }} 的一列按记录数向右重复"
            yield GuideLine(head, item.label, depth, is_loop=True)
            yield from _guide(item.fields, fmt, item.var, depth + 1)
        else:
            yield GuideLine(f"{{{{ {ref} }}}}", item.label, depth)


# --- the documents ----------------------------------------------------------------------------

ORG = (
    Field("org.name", "党组织名称", "中共示例村第一支部委员会"),
    Field("org.short_name", "党组织简称（没有时同名称）", "第一支部"),
    Field("org.code", "组织编码", "B01"),
)
GENERATED = Field("generated_on", "生成日期", "2026年11月21日")

MEETING_HEADER = (
    Field("kind", "会议类别", "支部党员大会"),
    Field("title", "会议主题", "学习贯彻党的二十届四中全会精神"),
    Field("name", "会议名称（年度第几次同类会议）", "2026年第1次支部党员大会"),
    Field("group", "党小组（党小组会）", ""),
    Field("date", "日期", "2026年3月10日"),
    Field("weekday", "星期", "星期二"),
    Field("period", "上午/下午/晚上", "下午"),
    Field("start", "开始时间", "15:00"),
    Field("end", "散会时间", "17:00"),
    Field("start_zh", "开始时间（时分）", "15时00分"),
    Field("end_zh", "散会时间（时分）", "17时00分"),
    Field("place", "地点（线上会议写“线上”）", "村党群服务中心会议室"),
    Field("host", "主持人", "石书记"),
    Field("host_title", "主持人职务", "书记"),
    Field("recorder", "记录人", "梅党员"),
)

MEETING_BOOK = Document(
    key="meeting_book",
    name="会议记录本",
    format=DOCX,
    description="一个党支部一年的会议记录：封面、目录，每次已召开的会议一节（另起一页），"
    "内容取自确认后的会议记录。",
    spec=(
        *ORG,
        Field("year", "年度", 2026),
        GENERATED,
        Field("count", "会议次数", 2),
        Loop(
            "meetings",
            "m",
            "每次会议（已召开、记录已确认，按时间先后）",
            (
                Field("number", "序号", 1),
                *MEETING_HEADER,
                Field("lecturer", "授课人（党课）", ""),
                Field("is_assembly", "是否支部党员大会（是/否）", True),
                Field("is_lecture", "是否党课（是/否）", False),
                Field("is_committee", "是否支部委员会会议（是/否）", False),
                Field("title_label", "主题一栏的名称（党课为“党课题目”）", "会议主题"),
                Field(
                    "present_label",
                    "出席一栏的名称（支委会为“出席委员”，党课为“听课人员”）",
                    "出席人员",
                ),
                Field("absent_label", "缺席一栏的名称（支委会为“缺席委员”）", "缺席人员"),
                Field("expected", "应到人数", 20),
                Field("present", "实到人数", 17),
                Field("leave", "请假人数", 2),
                Field("absent", "无故缺席人数", 1),
                Field("not_present", "缺席人数（含请假）", 3),
                Field("present_names", "出席人员名单（列表）", ["石书记", "梅党员"]),
                Field("present_text", "出席人员（用顿号连接）", "石书记、梅党员"),
                Field("absent_text", "缺席人员及原因", "裴同志（请假：外出务工）、童调动（缺席）"),
                Loop(
                    "absentees",
                    "a",
                    "缺席人员",
                    (
                        Field("name", "姓名", "裴同志"),
                        Field("reason", "原因（请假事由或“缺席”）", "请假：外出务工"),
                    ),
                ),
                Field("observers_text", "列席人员（姓名、职务）", "程组织（镇党委组织委员）"),
                Loop(
                    "observers",
                    "o",
                    "列席人员",
                    (
                        Field("name", "姓名", "程组织"),
                        Field("title", "职务/身份", "镇党委组织委员"),
                    ),
                ),
                Field("agenda", "会议议题（列表）", ["学习四中全会精神", "讨论发展对象"]),
                Loop(
                    "topics",
                    "item",
                    "每个议题的记录",
                    (
                        Field("number", "序号", 1),
                        Field("number_zh", "中文序号（一、二、三）", "一"),
                        Field("title", "议题", "学习四中全会精神"),
                        Field("is_first_topic", "是否第一议题（是/否）", False),
                        Field(
                            "content", "会议内容/发言记录（保留换行）", "石书记领学……\n梅党员发言……"
                        ),
                    ),
                ),
                Loop(
                    "resolutions",
                    "r",
                    "会议决议及表决情况",
                    (
                        Field("number", "序号", 1),
                        Field("text", "决议内容", "同意接收张三为预备党员"),
                        Field("yes", "赞成票", 15),
                        Field("no", "反对票", 1),
                        Field("abstain", "弃权票", 1),
                        Field("written", "其中书面意见", 0),
                        Field("owner", "责任人", "组织委员"),
                        Field("due", "完成时限", "2026年12月31日前"),
                        Field("result", "表决结果（通过/未通过；不计票的会议为空）", "通过"),
                    ),
                ),
                Field("voting_expected", "应到会有表决权人数（党员大会）", 18),
                Field("voting_present", "实到会有表决权人数（党员大会）", 16),
                Field("quorum", "是否达到规定人数（是/否；不适用时为空）", True),
                Field(
                    "quorum_text",
                    "规定人数说明（党员大会、支委会）",
                    "到会有表决权的党员超过应到会有表决权党员的半数，符合规定人数",
                ),
                Field("summary", "主持人总结（保留换行）", "会议要求……"),
                Field("version", "会议记录版本", 1),
                Field("correction", "更正原因（第2版起）", ""),
                Field("confirmed_on", "记录确认日期", "2026年3月10日"),
            ),
        ),
    ),
)

SIGN_IN_SHEET = Document(
    key="sign_in_sheet",
    name="签到表",
    format=XLSX,
    description="一次会议的签到表：会议信息、应到/实到/缺席人数，每人一行（本人签名、备注）。",
    spec=(
        *ORG,
        GENERATED,
        Field("meeting.kind", "会议类别", "主题党日"),
        Field("meeting.title", "会议主题", "3月主题党日"),
        Field("meeting.date", "日期", "2026年3月10日"),
        Field("meeting.weekday", "星期", "星期二"),
        Field("meeting.period", "上午/下午/晚上", "下午"),
        Field("meeting.start", "开始时间", "15:00"),
        Field("meeting.end", "结束时间", "17:00"),
        Field("meeting.when", "时间（一句话）", "2026年3月10日（星期二）下午 15:00—17:00"),
        Field("meeting.place", "地点", "村党群服务中心"),
        Field("meeting.host", "主持人", "石书记"),
        Field("meeting.recorder", "记录人", "梅党员"),
        Field("expected", "应到人数", 20),
        Field("present", "实到人数（会议开始前为空，供手填）", 17),
        Field("leave", "请假人数（会议开始前为空）", 2),
        Field("absent", "缺席人数（含请假；会议开始前为空）", 3),
        Loop(
            "rows",
            "row",
            "每人一行（应到人员在前，列席人员在后）",
            (
                Field("number", "序号", 1),
                Field("name", "姓名", "梅党员"),
                Field("signature", "本人签名（在系统中签到的为“已签到 14:55”，否则留空）", ""),
                Field("note", "备注（请假事由、流动党员、列席等）", "流动党员"),
                Field("role", "身份（应到/列席）", "应到"),
            ),
        ),
    ),
)

ATTENDANCE_SHEET = Document(
    key="attendance_sheet",
    name="党员出席情况统计表",
    format=XLSX,
    description="一个党支部一年的出席情况：每名党员一行，每次已召开的会议一列"
    "（出席/请假/缺席/补学），右侧和底部为合计。",
    spec=(
        *ORG,
        Field("year", "年度", 2026),
        GENERATED,
        Loop(
            "columns",
            "col",
            "每次会议一列（已召开，按时间先后）",
            (
                Field("index", "列序号（从0起，用于 row.marks[col.index]）", 0),
                Field("number", "会议序号", 1),
                Field("date", "日期（月-日）", "03-10"),
                Field("date_full", "日期", "2026-03-10"),
                Field("kind", "会议类别", "支部党员大会"),
                Field("kind_short", "会议类别简称", "党员大会"),
                Field("title", "会议主题", "学习四中全会精神"),
                Field("expected", "本次应到", 20),
                Field("present", "本次实到", 17),
            ),
        ),
        Loop(
            "rows",
            "row",
            "每名党员一行",
            (
                Field("number", "序号", 1),
                Field("name", "姓名", "梅党员"),
                Field("category", "人员类别", "正式党员"),
                Field(
                    "marks",
                    "各次会议情况（列表，与 columns 对应：出席/请假/缺席/补学，不需参加为—）",
                    ["出席", "请假"],
                ),
                Field("expected", "应参加次数", 2),
                Field("present", "出席次数", 1),
                Field("leave", "请假次数（未补学）", 1),
                Field("absent", "缺席次数（未补学）", 0),
                Field("made_up", "补学次数（未到会、已补学）", 1),
                Field("rate", "出席率", "50%"),
            ),
        ),
        Field("totals.meetings", "会议次数", 2),
        Field("totals.expected", "合计应参加人次", 40),
        Field("totals.present", "合计出席人次", 34),
        Field("totals.leave", "合计请假人次（未补学）", 4),
        Field("totals.absent", "合计缺席人次（未补学）", 2),
        Field("totals.made_up", "合计补学人次", 5),
        Field("totals.rate", "总出席率", "85%"),
    ),
)

# --- 整改台账 ----------------------------------------------------------------------------------

LEDGER_HEADER = (
    *ORG,
    GENERATED,
    Field("year", "年度（按年度导出时；不限年度时为空）", 2026),
    Field("title", "标题", "中共示例村第一支部委员会2026年度整改台账"),
    Field("subtree", "是否含下级党组织的问题（是/否）", False),
    Field("filters.year", "筛选：年度（不限时为“全部”）", "2026年"),
    Field("filters.category", "筛选：问题类别", "全部"),
    Field("filters.owner_kind", "筛选：问题主体", "全部"),
    Field("filters.source", "筛选：问题来源", "全部"),
    Field("filters.status", "筛选：状态", "全部"),
    Field("filters.text", "筛选条件（一句话）", "年度：2026年；问题类别：全部；状态：全部"),
    Field("totals.problems", "问题总数", 2),
    Field("totals.open", "待整改", 0),
    Field("totals.in_progress", "整改中", 1),
    Field("totals.rectified", "已完成（待销号）", 0),
    Field("totals.closed", "已销号", 1),
    Field("totals.overdue", "逾期未完成", 0),
    Field("totals.measures", "整改措施总数", 3),
)

LEDGER_MEASURE = Loop(
    "measures",
    "m",
    "整改措施（每个问题至少一项）",
    (
        Field("number", "序号", 1),
        Field("text", "整改措施", "每月参加主题党日，会前请假"),
        Field("responsible", "责任人", "梅党员"),
        Field("deadline", "整改时限", "2026年6月30日"),
        Field("status", "状态（未完成/已完成/已核实）", "已完成"),
        Field("done_on", "完成日期", "2026年5月20日"),
        Field("evidence", "完成情况", "3月以来按时参加主题党日"),
        Field("files", "佐证材料（文件名，用顿号连接）", "签到表.jpg"),
        Field("late", "逾期情况（如“逾期12天”；未逾期为空）", ""),
        Field(
            "progress",
            "进展（一句话：完成日期和完成情况，或“未完成”）",
            "2026年5月20日完成：3月以来按时参加主题党日",
        ),
    ),
)

LEDGER_PROBLEM = (
    Field("number", "序号", 1),
    Field("organization", "所属组织", "第一党支部"),
    Field("owner", "问题主体（党员姓名，或“支部委员会（班子）”“党支部”）", "梅党员"),
    Field("owner_kind", "问题主体类别（党员个人/支部委员会（班子）/党支部）", "党员个人"),
    Field("is_personal", "是否党员个人的问题（是/否）", True),
    Field("year", "查摆年度", 2026),
    Field("source", "问题来源", "组织生活会"),
    Field("source_note", "来源说明", "2025年度组织生活会"),
    Field("category", "问题类别（方面）", "组织生活"),
    Field("description", "问题表现", "参加组织生活不够经常，有时请假"),
    Field("target", "整改目标", "按时参加组织生活"),
    Field("causes", "原因剖析（各方面分行：“思想意识：……”）", "思想意识：对组织生活重视不够"),
    Field("cause_thinking", "原因：思想意识", "对组织生活重视不够"),
    Field("cause_ability", "原因：能力作风", ""),
    Field("cause_family", "原因：家风环境", ""),
    Field("cause_other", "原因：其他", ""),
    LEDGER_MEASURE,
    Field(
        "measures_text",
        "整改措施（编号分行，含责任人和时限）",
        "1. 每月参加主题党日，会前请假（责任人：梅党员；时限：2026年6月30日）",
    ),
    Field("responsible", "责任领导/责任人（用顿号连接）", "梅党员"),
    Field("deadline", "整改时限（各项措施中最晚的）", "2026年6月30日"),
    Field("progress", "整改进展（如“已完成1/2项措施”）", "1项措施已全部完成"),
    Field(
        "progress_text",
        "整改进展/完成情况（进展一句，再每项已完成措施一行）",
        "1项措施已全部完成\n1. 2026年5月20日完成：3月以来按时参加主题党日",
    ),
    Field("status", "状态（待整改/整改中/已完成/已销号）", "已销号"),
    Field("late", "逾期情况（如“逾期12天”；未逾期为空）", ""),
    Field("closed", "是否销号（是/否）", "是"),
    Field("closed_on", "销号时间", "2026年6月5日"),
    Field("evidence", "佐证材料（文件名，用顿号连接）", "签到表.jpg"),
    Field("remark", "备注", ""),
    Field("recurs", "往年同类问题（重复出现时，如“2025年曾查摆”）", ""),
)

RECTIFICATION_LEDGER = Document(
    key="rectification_ledger",
    name="整改台账",
    format=XLSX,
    description="问题清单与整改台账：按台账页面的筛选条件（年度、类别、主体、来源、状态）导出，"
    "每个问题一行，各项整改措施编号写在同一格中（含责任人和时限）；"
    "党委导出时包括下级各党组织的问题。",
    spec=(
        *LEDGER_HEADER,
        Loop("rows", "row", "每个问题一行", LEDGER_PROBLEM),
    ),
)

RECTIFICATION_LEDGER_DOCX = Document(
    key="rectification_ledger_docx",
    name="整改台账（Word）",
    format=DOCX,
    description="问题清单与整改台账的 Word 版：班子（支部委员会/党支部）的问题和党员个人的问题"
    "分列两表，每项整改措施一行（序号、问题、原因、是否销号按问题合并）。",
    spec=(
        *LEDGER_HEADER,
        Loop("collective", "p", "班子（支部委员会/党支部）的问题", LEDGER_PROBLEM),
        Loop("individual", "p", "党员个人的问题", LEDGER_PROBLEM),
    ),
)

# --- 组织生活会 (built in lifemeetings.documents) -----------------------------------------------

LIFEMEETING_HEADER = (
    *ORG,
    GENERATED,
    Field("year", "年度", 2026),
    Field("meeting.name", "会议名称", "2026年度组织生活会"),
    Field("meeting.theme", "会议主题", "对照党章党规找差距"),
    Field("meeting.date", "召开日期（会议还没有安排时为空）", "2026年12月20日"),
    Field("meeting.place", "地点", "村党群服务中心会议室"),
)

LIFEMEETING_FEEDBACK = Document(
    key="lifemeeting_feedback",
    name="组织生活会书面反馈",
    format=DOCX,
    description="组织生活会后给每名党员的书面反馈（评议意见）：本人的自我批评要点和表态、"
    "他人的批评意见（批评人：意见）、民主评议等次、列入整改清单的问题和整改措施（含时限），"
    "以及支部意见、本人意见两栏。",
    spec=(
        *LIFEMEETING_HEADER,
        Field("title", "标题", "2026年度组织生活会评议意见反馈"),
        Field("member.name", "姓名", "梅党员"),
        Field("member.category", "人员类别", "正式党员"),
        Field("spoke", "发言情况（已发言/未发言/未记录）", "已发言"),
        Field("self_criticism", "自我批评要点（保留换行；没有发言时为空）", "集中学习缺席两次"),
        Field("pledge", "本人表态", "按期补学，接受监督"),
        Loop(
            "criticisms",
            "c",
            "他人批评意见",
            (
                Field("number", "序号", 1),
                Field("critic", "批评人", "石书记"),
                Field("content", "意见", "联系群众不够主动，走访少"),
            ),
        ),
        Field("grade", "评议等次（优秀/合格/基本合格/不合格；未评定时为空）", "合格"),
        Field(
            "grade_text",
            "民主评议情况（等次；或“未评定”“预备党员参加评议，不评定等次”）",
            "合格",
        ),
        Field("is_probationary", "是否预备党员（是/否）", False),
        Loop(
            "problems",
            "p",
            "列入整改清单的问题（本次组织生活会确认）",
            (
                Field("number", "序号", 1),
                Field("category", "问题类别", "思想理论学习"),
                Field("description", "问题表现", "2026年集中学习缺席2次"),
                Field("source", "来源", "2026年度组织生活会·对照检查"),
                Field("status", "状态（待整改/整改中/已完成/已销号）", "整改中"),
                Field("deadline", "整改时限（各项措施中最晚的）", "2027年3月31日"),
                Loop(
                    "measures",
                    "m",
                    "整改措施",
                    (
                        Field("number", "序号", 1),
                        Field("text", "整改措施", "按期补学，每月交学习笔记"),
                        Field("responsible", "责任人", "梅党员"),
                        Field("deadline", "整改时限", "2027年3月31日"),
                        Field("status", "状态（未完成/已完成/已核实；逾期时注明天数）", "未完成"),
                        Field("done_on", "完成日期", ""),
                    ),
                ),
            ),
        ),
    ),
)

LIFEMEETING_REPORT = Document(
    key="lifemeeting_report",
    name="组织生活会情况报告",
    format=DOCX,
    description="向上级党组织报送的组织生活会和民主评议党员情况报告：会前准备（集中学习、"
    "征求意见份数、谈心谈话）、会议召开情况（时间、主持人、到会和请假、上级联系指导人、议程）、"
    "查摆的主要问题（按类别）、民主评议结果（各等次人数）和整改措施，全部取自系统中的记录。",
    spec=(
        *LIFEMEETING_HEADER,
        Field("meeting.weekday", "星期", "星期六"),
        Field("meeting.start", "开始时间", "09:00"),
        Field("meeting.end", "结束时间", "11:30"),
        Field("meeting.host", "主持人", "石书记"),
        Field("meeting.recorder", "记录人", "梅党员"),
        Field(
            "title",
            "标题",
            "关于召开2026年度组织生活会和开展民主评议党员情况的报告",
        ),
        Field("addressee", "报送对象（上级党组织）", "测试镇党委"),
        Field("kind", "类型（年度组织生活会/专题组织生活会）", "年度组织生活会"),
        Field("topic", "专题（专题组织生活会）", ""),
        Field("submitted_on", "报送日期（还没有报送时为空）", ""),
        Field("study.count", "会前集中学习次数", 2),
        Loop(
            "study_meetings",
            "s",
            "会前集中学习",
            (
                Field("number", "序号", 1),
                Field("date", "日期", "2026年12月5日"),
                Field("title", "学习主题", "学习党章和党的二十届四中全会精神"),
            ),
        ),
        Field("opinions.held", "是否开展征求意见（是/否）", True),
        Field("opinions.count", "收到意见份数（答卷数）", 12),
        Field("talks.held", "开展谈心谈话次数", 8),
        Field("talks.required", "应谈人次（委员之间、委员与党员）", 6),
        Field("talks.done", "已谈人次", 6),
        Field("talks.missing", "还没有谈的（用顿号连接；都谈过时为空）", ""),
        Field("reviews.expected", "应交对照检查材料份数", 7),
        Field("reviews.submitted", "已提交份数", 7),
        Field("reviews.accepted", "审核通过份数", 7),
        Field("attendance.expected", "应到人数", 7),
        Field("attendance.present", "实到人数", 6),
        Field("attendance.leave", "请假人数", 1),
        Field("attendance.absent", "缺席人数", 0),
        Field("attendance.leave_text", "请假人员及原因", "裴同志（外出务工）"),
        Field("attendance.absent_text", "缺席人员", ""),
        Field("contact_leader", "上级联系指导人（没有时为空）", "程组织"),
        Field("contact_leader_present", "上级联系指导人是否到会（是/否；没有时为空）", True),
        Field("observers_text", "列席人员（姓名、职务）", "程组织（上级联系指导人）"),
        Field("agenda", "会议议程（列表）", ["书记通报会前准备情况", "批评和自我批评"]),
        Field("speeches.spoke", "发言人数", 6),
        Field("speeches.criticisms", "相互提出的批评意见条数", 15),
        Loop(
            "categories",
            "g",
            "查摆的主要问题（按问题类别）",
            (
                Field("number", "序号", 1),
                Field("number_zh", "中文序号（一、二、三）", "一"),
                Field("name", "问题类别", "思想理论学习"),
                Field("count", "问题数", 2),
                Loop(
                    "problems",
                    "p",
                    "该类别的问题（班子的在前）",
                    (
                        Field("number", "序号", 1),
                        Field("owner", "问题主体（党员姓名，或“支部委员会（班子）”）", "梅党员"),
                        Field("description", "问题表现", "2026年集中学习缺席2次"),
                        Field("status", "状态（待整改/整改中/已完成/已销号）", "整改中"),
                    ),
                ),
            ),
        ),
        Field("evaluation.done", "民主评议是否完成（是/否）", True),
        Field(
            "evaluation.text",
            "民主评议结果（一句话；没有完成时为“民主评议尚未完成”）",
            "参加评议党员7名，评定等次6名：优秀2名、合格4名、基本合格0名、不合格0名；"
            "预备党员1名参加评议，不评定等次。",
        ),
        Field("evaluation.participants", "参加评议党员人数", 7),
        Field("evaluation.graded", "评定等次人数", 6),
        Field("evaluation.probationary", "预备党员人数（不评定等次）", 1),
        Field("evaluation.excellent", "优秀人数", 2),
        Field("evaluation.qualified", "合格人数", 4),
        Field("evaluation.basically_qualified", "基本合格人数", 0),
        Field("evaluation.unqualified", "不合格人数", 0),
        Loop(
            "measures",
            "m",
            "整改措施（班子的在前，按时限先后）",
            (
                Field("number", "序号", 1),
                Field("owner", "问题主体", "梅党员"),
                Field("problem", "问题表现", "2026年集中学习缺席2次"),
                Field("text", "整改措施", "按期补学，每月交学习笔记"),
                Field("responsible", "责任人", "梅党员"),
                Field("deadline", "整改时限", "2027年3月31日"),
                Field("status", "状态（未完成/已完成/已核实；逾期时注明天数）", "未完成"),
                Field("done_on", "完成日期", ""),
            ),
        ),
        Field("totals.problems", "查摆问题总数", 5),
        Field("totals.collective", "其中班子问题", 2),
        Field("totals.individual", "其中党员个人问题", 3),
        Field("totals.measures", "整改措施总数", 6),
        Field("totals.measures_done", "已完成的整改措施", 1),
    ),
)

# --- 党费 (built in zhibu/dues: sheets.year_sheet, ledger.year_ledger) ------------------------


def _dues_header(what: str) -> tuple[Field, ...]:
    return (
        *ORG,
        GENERATED,
        Field("year", "年度", 2026),
        Field("title", "标题", f"第一支部2026年度{what}"),
    )


DUES_SHEET = Document(
    key="dues_sheet",
    name="党费收缴登记表",
    format=XLSX,
    description="一个党支部一年的党费收缴登记表：每名党员一行（人员类别、交纳基数、比例、月应交，"
    "1—12月实交，全年应交、全年实交，备注写减免及批准、月应交调整、补交、代交），底部合计，"
    "留收款人和书记签字处。应交按当月有效的党费核定计算，实交按交纳分配到的月份。",
    spec=(
        *_dues_header("党费收缴登记表"),
        Loop(
            "rows",
            "row",
            "每名党员一行（当年在本支部交纳党费的党员）",
            (
                Field("number", "序号", 1),
                Field("name", "姓名", "梅党员"),
                Field("category", "人员类别（在职/离退休/农民/学生……）", "在职"),
                Field("base", "交纳基数（月，固定金额的为空）", 4500),
                Field("rate", "比例（如 1%；固定金额的为空）", "1%"),
                Field("monthly", "月应交（年内调整过的为最后的金额）", 45),
                Field(
                    "paid",
                    "1—12月实交（列表，paid[0] 为1月；没有交的为空）",
                    [45, 45, "", "", "", "", "", "", "", "", "", ""],
                ),
                Field(
                    "due",
                    "1—12月应交（列表；不在本支部交纳的月份为空）",
                    [45, 45, 45, 45, 45, 45, 45, 45, 45, 45, 45, 45],
                ),
                Field("due_total", "全年应交", 540),
                Field("paid_total", "全年实交", 90),
                Field("status", "交纳情况（已交清/欠交/免交）", "欠交"),
                Field("remark", "备注（减免及批准、调整、补交、代交）", "补交1个月"),
            ),
        ),
        Field("totals.members", "人数", 2),
        Field(
            "totals.paid",
            "各月实交合计（列表，与 row.paid 对应）",
            [90, 90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ),
        Field("totals.due_total", "全年应交合计", 1080),
        Field("totals.paid_total", "全年实交合计", 180),
    ),
)

DUES_LEDGER = Document(
    key="dues_ledger",
    name="党费收支台账",
    format=XLSX,
    description="一个党支部一年的党费账：上年结转，每天收缴的党费（合为一行）、上缴上级党委、"
    "上级返还、支出（用途、集体研究决定、凭证号）逐行登记并算出结存；冲销的账目另起一行、"
    "金额为负。第二张工作表按月汇总（每月一列）。",
    spec=(
        *_dues_header("党费收支台账"),
        Field("opening", "上年结转", 120),
        Field("closing", "年末结存", 360),
        Field("totals.collected", "本年收缴", 1080),
        Field("totals.handed_up", "本年上缴", 800),
        Field("totals.returned", "本年返还", 200),
        Field("totals.spent", "本年支出", 240),
        Field("totals.income", "本年收入合计（收缴 + 返还）", 1280),
        Field("totals.outgoing", "本年支出合计（上缴 + 支出）", 1040),
        Loop(
            "rows",
            "row",
            "每笔账目一行（按日期先后）",
            (
                Field("number", "序号", 1),
                Field("date", "日期", "2026-03-10"),
                Field("kind", "类型（收缴党费/上缴上级党委/上级返还/支出）", "支出"),
                Field("summary", "摘要", "支出：教育培训"),
                Field("income", "收入金额（收缴、返还；其他为空）", ""),
                Field("outgoing", "支出金额（上缴、支出；其他为空）", 240),
                Field("balance", "结存", 360),
                Field("use", "用途（支出）", "教育培训"),
                Field("decision", "集体研究决定（支出）", "支委会 2026-03-05 决定"),
                Field("voucher", "凭证号", "2026-007"),
                Field("note", "说明（冲销的原因）", ""),
            ),
        ),
        Loop(
            "columns",
            "col",
            "每月一列（按月汇总工作表）",
            (
                Field("index", "列序号（从0起）", 0),
                Field("month", "月份", "1月"),
                Field("collected", "收缴", 90),
                Field("handed_up", "上缴", 0),
                Field("returned", "返还", 0),
                Field("spent", "支出", 0),
                Field("balance", "月末结存", 210),
            ),
            samples=12,
        ),
    ),
)

DUES_REPORT = Document(
    key="dues_report",
    name="党费收缴使用情况公示",
    format=DOCX,
    description="向本支部党员公示一年的党费收缴、上缴、返还、使用和结存：党员人数、应交和实交、"
    "交清和欠交的人数（欠交和免交的同志只计人数、不列姓名），交清党费的党员姓名、月交纳额和"
    "全年交纳额，上缴的金额和日期，各项用途的支出（含集体研究决定），各月收支，公示期和联系人。",
    spec=(
        *_dues_header("党费收缴使用情况公示"),
        Field("through", "统计截至（如“2026年12月”）", "2026年12月"),
        Field("members.total", "应交纳党费的党员人数", 7),
        Field("members.paid_in_full", "按时交清的人数", 6),
        Field("members.in_arrears", "欠交的人数", 1),
        Field("members.exempt", "免交的人数", 0),
        Field("due_total", "应交党费合计（元）", "3,240.00"),
        Field("paid_total", "实交党费合计（元）", "3,195.00"),
        Field("opening", "上年结转（元）", "120.00"),
        Field("collected", "本年收缴（元，按交纳日期，含补交和预交）", "3,240.00"),
        Field("handed_up", "上缴上级党委（元）", "3,000.00"),
        Field("returned", "上级返还（元）", "600.00"),
        Field("spent", "支出（元）", "480.00"),
        Field("closing", "结存（元）", "480.00"),
        Loop(
            "paid_members",
            "p",
            "交清党费的党员",
            (
                Field("number", "序号", 1),
                Field("name", "姓名", "梅党员"),
                Field("monthly", "月交纳额（元）", "45.00"),
                Field("paid_total", "全年交纳额（元）", "540.00"),
            ),
        ),
        Loop(
            "handed_up_lines",
            "h",
            "上缴上级党委",
            (
                Field("number", "序号", 1),
                Field("date", "日期", "2026年6月30日"),
                Field("amount", "金额（元）", "1,500.00"),
                Field("voucher", "凭证号", "SJ-2026-01"),
            ),
        ),
        Loop(
            "returned_lines",
            "r",
            "上级返还",
            (
                Field("number", "序号", 1),
                Field("date", "日期", "2026年8月10日"),
                Field("amount", "金额（元）", "600.00"),
            ),
        ),
        Loop(
            "uses",
            "u",
            "各项用途的支出（全部用途，没有支出的为0.00）",
            (
                Field("name", "用途", "教育培训"),
                Field("amount", "金额（元）", "240.00"),
                Field("share", "占支出的比例", "50%"),
            ),
        ),
        Loop(
            "spendings",
            "s",
            "每笔支出",
            (
                Field("number", "序号", 1),
                Field("date", "日期", "2026年3月10日"),
                Field("use", "用途", "教育培训"),
                Field("amount", "金额（元）", "240.00"),
                Field("decision", "集体研究决定", "支委会 2026-03-05 决定"),
                Field("note", "说明", "党员培训教材"),
            ),
        ),
        Loop(
            "months",
            "m",
            "各月收支",
            (
                Field("month", "月份", "1月"),
                Field("collected", "收缴（元）", "270.00"),
                Field("spent", "支出（元）", "0.00"),
                Field("balance", "月末结存（元）", "390.00"),
            ),
        ),
        Field("period", "公示期（还没有发布时为空）", "2027年1月5日至2027年1月14日"),
        Field("contact", "联系人及电话（还没有发布时为空）", "石书记 13900000000"),
        Field("note", "公示说明", ""),
    ),
)

DOCUMENTS: dict[str, Document] = {
    d.key: d
    for d in (
        MEETING_BOOK,
        SIGN_IN_SHEET,
        ATTENDANCE_SHEET,
        RECTIFICATION_LEDGER,
        RECTIFICATION_LEDGER_DOCX,
        LIFEMEETING_FEEDBACK,
        LIFEMEETING_REPORT,
        DUES_SHEET,
        DUES_LEDGER,
        DUES_REPORT,
    )
}


def get(key: str) -> Document | None:
    return DOCUMENTS.get(key)
