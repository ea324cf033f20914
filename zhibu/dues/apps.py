from __future__ import annotations

from django.apps import AppConfig

PAYMENT_FIELDS = {
    "receipt_no": "收据编号",
    "paid_on": "交纳日期",
    "amount": "金额",
    "method": "交纳方式",
    "proxy_name": "代交人",
    "months": "交纳月份",
    "over_norm": "超过1000元",
    "reason": "冲正原因",
}
ASSESSMENT_FIELDS = {
    "valid_from": "起始月份",
    "category": "党费类别",
    "base": "交纳基数（月）",
    "rate": "比例",
    "standard": "按规定月应交",
    "reduction": "减免",
    "monthly": "月应交",
    "reduction_reason": "减免理由",
    "reduction_approved_by": "批准组织",
    "reduction_approved_on": "批准日期",
}


class DuesConfig(AppConfig):
    name = "zhibu.dues"
    label = "dues"
    verbose_name = "党费"

    def ready(self) -> None:
        from zhibu.core import labels

        labels.register("dues.duespayment", PAYMENT_FIELDS)
        labels.register("dues.duesassessment", ASSESSMENT_FIELDS)
        labels.register(
            "dues.duessettings",
            {
                "collection_day": "每月收缴日",
                "rounding": "取整方式",
                "farmer_amount": "农民党员每月交纳",
            },
        )
        # credit_apply is recorded on the member; bases_import on the branch.
        labels.register("members.member", {"months": "抵交月份", "amount": "抵交金额"})
        labels.register("orgs.organization", {"valid_from": "起始月份", "rows": "核定人数"})
