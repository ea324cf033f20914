"""The defaults of RULES.md §1, in force since 《中国共产党支部工作条例（试行）》 (2018-10-28).

The rows are written out here, not imported from the app, so this migration always seeds what it
seeded when it was written; later changes are new versions made through the service.
"""

import datetime as dt

from django.db import migrations

EFFECTIVE = dt.date(2018, 10, 28)
ACT = "《中国共产党支部工作条例（试行）》"

DEFAULTS = [
    (
        "branch_assembly", "branch", "quarter", f"{ACT}第十一条",
        "党员大会由全体党员参加，讨论决定党支部的重要事项，一般每季度召开1次。",
    ),
    (
        "committee_meeting", "branch_with_committee", "month", f"{ACT}第十二条",
        "支部委员会会议研究安排党支部工作，一般每月召开1次。正式党员不足7人、"
        "只设书记（副书记）而未设支部委员会的党支部不作要求。",
    ),
    (
        "group_meeting", "group", "month", f"{ACT}第十三条",
        "党小组会组织党员开展学习、交流思想，一般每月召开1次，每个党小组分别计算。",
    ),
    (
        "lecture", "branch", "quarter", f"{ACT}第十五条",
        "党课每季度至少1次，党支部书记每年至少为党员讲1次党课。"
        "有的地方规定每半年1次，可由管理员修订。",
    ),
    (
        "theme_day", "branch", "month", f"{ACT}第十六条",
        "每月相对固定1天开展主题党日（如每月10日），按“5+X”安排内容。",
    ),
    (
        "life_meeting", "branch", "year", f"{ACT}第十七条",
        "组织生活会一般每年召开1次，通常在第四季度；会前开展集中学习、谈心谈话、征求意见。",
    ),
]


def fill(apps, schema_editor):
    Requirement = apps.get_model("rulebook", "Requirement")
    for kind, applies_to, period, source, note in DEFAULTS:
        if Requirement.objects.filter(kind=kind, applies_to=applies_to).exists():
            continue
        Requirement.objects.create(
            kind=kind,
            applies_to=applies_to,
            period=period,
            min_count=1,
            effective_from=EFFECTIVE,
            source=source,
            note=note,
        )


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0001_requirement")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
