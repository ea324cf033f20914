"""Chinese labels for audit verbs and changed fields, so history reads as sentences.

Verbs and shared field names live here; an app registers the labels of its own objects' fields
(``register``) so each label is written once, next to the data it names.
"""

from __future__ import annotations

VERBS = {
    "org.create": "建立组织",
    "org.update": "修改组织信息",
    "org.move": "调整隶属关系",
    "org.close": "撤销组织",
    "position.assign": "任职",
    "position.end": "免职",
    "member.create": "登记人员",
    "member.update": "修改人员信息",
    "member.category_change": "人员类别变更",
    "member.status_change": "党籍状态变更",
    "member.party_probation": "留党察看",
    "member.transfer_in": "组织关系转入",
    "member.transfer_out": "组织关系转出",
    "roster.import": "导入花名册",
    "roster.export": "导出花名册",
    "account.create": "开通账号",
    "account.login": "登录",
    "account.logout": "退出登录",
    "account.login_failed": "登录失败",
    "account.lockout": "账号锁定",
    "account.password_change": "修改密码",
    "account.password_reset": "重置密码",
    "account.enable": "启用账号",
    "account.disable": "停用账号",
    "demo.build": "生成演示数据",
    "member.transfer_reject": "退回组织关系介绍信",
    "member.transfer_cancel": "撤回组织关系转出",
    "account.email_set": "设置通知邮箱",
    "calendar_feed.issue": "开通日历订阅",
    "calendar_feed.revoke": "停用日历订阅",
    "meeting.plan": "安排会议",
    "meeting.update": "修改会议",
    "meeting.cancel": "取消会议",
    "meeting.import": "导入会议台账记录",
    "ledger.import": "导入会议台账",
    "series.plan": "按月安排会议",
    "series.update": "修改会议计划",
    "series.stop": "停止会议计划",
    "meeting_settings.update": "修改会议设置",
    "attendance.observer_add": "添加列席人员",
    "attendance.sign_in": "签到",
    "attendance.mark": "登记出席情况",
    "attendance.leave_request": "请假",
    "attendance.leave_decide": "审批请假",
    "attendance.voting_exclusion": "登记不计入应到会有表决权",
    "attendance.makeup": "登记补学",
    "minutes.save": "保存会议记录",
    "minutes.confirm": "确认会议记录",
    "minutes.correct": "更正会议记录",
    "attachment.add": "上传附件",
    "attachment.remove": "移除附件",
    "export.meeting_book": "导出会议记录本",
    "export.sign_in_sheet": "导出签到表",
    "export.attendance_sheet": "导出出席情况统计表",
    "export_template.upload": "上传导出模板",
    "export_template.retire": "停用导出模板",
    "requirement.revise": "修订制度要求",
}

FIELDS = {
    "name": "名称",
    "short_name": "简称",
    "code": "编码",
    "kind": "类型",
    "parent": "上级组织",
    "unit_type": "单位类型",
    "founded_on": "成立日期",
    "closed_on": "撤销日期",
    "term_started_on": "本届任期开始",
    "reason": "原因",
    "subtree_size": "涉及组织数",
    "positions_ended": "同时免去职务数",
    "member": "党员",
    "organization": "组织",
    "role": "职务",
    "started_on": "任职日期",
    "ended_on": "免职日期",
    "branch": "所在党支部",
    "group": "党小组",
    "is_mobile": "流动党员",
    "mobile_location": "流动去向",
    "is_retired": "离退休",
    "status": "状态",
    "party_probation": "留党察看",
    "on": "日期",
    "step": "环节",
    "note": "说明",
    "from": "转出组织",
    "letter_number": "介绍信编号",
    "source": "来源",
    "rows": "行数",
    "counts": "各类人数",
    "username": "用户名",
    "ip": "IP 地址",
    "password": "密码",
    "is_active": "账号启用",
    "to": "转入组织",
    "transfer_state": "转接状态",
    "login": "账号",
    "title": "主题",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "place": "地点",
    "online_link": "线上会议链接",
    "host": "主持人",
    "recorder": "记录人",
    "lecturer": "授课人",
    "activity_form": "活动形式",
    "tags": "党建+标签",
    "agenda": "议题",
    "expected": "应到人数",
    "day_of_month": "每月几号",
    "start_time": "开始时间",
    "months": "安排月数",
    "first": "首次日期",
    "meetings_changed": "调整的会议",
    "active": "有效",
    "cancelled": "取消的会议",
    "theme_day": "主题党日固定日",
    "theme_day_items": "主题党日固定议程",
    "observer": "列席人员",
    "present": "签到",
    "method": "方式",
    "leave": "请假",
    "approval": "批准文件",
    "makeup": "补学",
    "version": "版本",
    "content": "内容",
    "attendance": "出席情况",
    "quorum": "到会人数",
    "attachment": "附件",
    "meetings": "会议",
}


# Labels an app gives its own objects' fields (registered in its AppConfig.ready), for where a
# field name means something else elsewhere ("name": 名称 of an organization, 姓名 of a person).
FIELDS_BY_TYPE: dict[str, dict[str, str]] = {}


def register(object_type: str, fields: dict[str, str]) -> None:
    FIELDS_BY_TYPE.setdefault(object_type, {}).update(fields)


def verb_label(verb: str) -> str:
    return VERBS.get(verb, verb)


def field_label(name: str, object_type: str = "") -> str:
    return FIELDS_BY_TYPE.get(object_type, {}).get(name) or FIELDS.get(name, name)


def show(value: object) -> object:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, dict):
        return "，".join(f"{field_label(str(k))}: {v}" for k, v in value.items())
    return value
