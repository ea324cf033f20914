"""The secretaries' own 党课 (RULES.md §1): 党支部书记 and 党委书记 each give ≥1 a year.

《中国共产党支部工作条例（试行）》第十五条 says "党支部书记每年至少为党员讲1次党课"; local practice
adds that a grassroots 党委书记 lectures at least once a year. RULES.md §1 names the 党委书记 and
the 0002 note the 党支部书记: both are real, so both are seeded (the stricter reading), as two
new lines beside the quarterly 党课 of every branch. The rows 0002 seeded are left as they are
(an administrator may have revised them since).

Both are in force from the 条例's date, like the other defaults: the committee's is local
practice with no date of its own, and an administrator can revise its source and start.

The rows are written out here, not imported from the app, so this migration always seeds what it
seeded when it was written; later changes are new versions made through the service.
"""

import datetime as dt

from django.db import migrations

EFFECTIVE = dt.date(2018, 10, 28)
ACT = "《中国共产党支部工作条例（试行）》"

# kind, applies_to, given_by, period, min_count, source, note
DEFAULTS = [
    (
        "lecture", "branch", "secretary", "year", 1, f"{ACT}第十五条",
        "党支部书记每年至少为党员讲1次党课。只计本支部已召开的党课中，授课人是开课当天在任的"
        "本支部书记的；上级党委书记、党校老师等讲的党课计入每季度的党课，不计入本项。",
    ),
    (
        "lecture", "committee", "secretary", "year", 1,
        "基层党建工作的地方实践",
        "基层党委书记每年至少讲1次党课，可以在所属任一党支部（含党总支下的党支部）讲授。"
        "只计授课人是开课当天在任的本党委书记的已召开党课。各地文件不一，可由管理员修订依据。",
    ),
]


def fill(apps, schema_editor):
    Requirement = apps.get_model("rulebook", "Requirement")
    for kind, applies_to, given_by, period, min_count, source, note in DEFAULTS:
        if Requirement.objects.filter(kind=kind, applies_to=applies_to, given_by=given_by).exists():
            continue
        Requirement.objects.create(
            kind=kind,
            applies_to=applies_to,
            given_by=given_by,
            period=period,
            min_count=min_count,
            effective_from=EFFECTIVE,
            source=source,
            note=note,
        )


def unfill(apps, schema_editor):
    """Every version of the two lines, newest first (each protects the one it replaced)."""
    Requirement = apps.get_model("rulebook", "Requirement")
    for kind, applies_to, given_by, *_ in DEFAULTS:
        rows = Requirement.objects.filter(kind=kind, applies_to=applies_to, given_by=given_by)
        for row in rows.order_by("-effective_from"):
            row.delete()


class Migration(migrations.Migration):
    dependencies = [("rulebook", "0003_requirement_given_by")]

    operations = [migrations.RunPython(fill, unfill)]
