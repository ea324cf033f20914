"""Made-up but realistic people for the demo and the benchmark data. Pure: no ORM.

Names follow the common-surname frequency order and the given names fashionable in each
generation; ID numbers are valid GB 11643 numbers of a few real region codes, with the birth
date and the gender digit agreeing with the person; phones are mainland mobile numbers.
Everything is drawn from a ``random.Random`` the caller seeds, so a build is repeatable.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from zhibu.core.dates import add_years
from zhibu.members.rules import MIN_AGE, id_check_digit

# The common surnames, most frequent first (their order sets their weight below).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
# Roughly Zipf-shaped: 王 and 李 are each about fifteen times as common as 汤.
SURNAME_WEIGHTS = tuple(1.0 / (rank + 4) for rank in range(len(SURNAMES)))

# Given names by generation: (born before, male two-character names, female two-character
# names, male characters, female characters). Single characters also make one-character names.
GENERATIONS: tuple[tuple[int, tuple[str, ...], tuple[str, ...], str, str], ...] = (
    (
        1966,
        (
            "建国",
            "国庆",
            "卫东",
            "德明",
            "志刚",
            "建华",
            "国强",
            "振华",
            "永红",
            "文革",
            "光明",
            "正义",
            "建军",
            "春生",
            "长江",
            "跃进",
            "胜利",
            "解放",
            "新民",
            "家和",
        ),
        (
            "秀英",
            "桂兰",
            "淑珍",
            "凤英",
            "玉兰",
            "秀兰",
            "桂英",
            "红梅",
            "素芬",
            "翠花",
            "春兰",
            "金凤",
            "美华",
            "爱华",
            "秀珍",
            "玉珍",
            "冬梅",
            "月娥",
            "淑华",
            "兰英",
        ),
        "明德国华建忠勇军平海林福文正志发春",
        "英兰珍芳华梅凤秀琴霞玉莲香娥",
    ),
    (
        1986,
        (
            "志强",
            "海涛",
            "晓东",
            "建平",
            "伟民",
            "红军",
            "立新",
            "卫国",
            "小兵",
            "文斌",
            "永刚",
            "俊峰",
            "国平",
            "建新",
            "立军",
            "海波",
            "振宇",
            "雪松",
            "晓峰",
            "学军",
        ),
        (
            "丽华",
            "晓燕",
            "红霞",
            "艳丽",
            "春燕",
            "小红",
            "海燕",
            "丽娟",
            "晓红",
            "秋菊",
            "雪梅",
            "晓丽",
            "慧敏",
            "小芳",
            "丽萍",
            "艳华",
            "晓琴",
            "红艳",
            "静波",
            "玉梅",
        ),
        "伟强磊军勇杰涛斌刚辉波明峰亮平东飞鹏",
        "丽娟敏静艳燕霞红玲芳洁萍丹琳莉颖",
    ),
    (
        9999,
        (
            "浩然",
            "子轩",
            "宇航",
            "俊杰",
            "思远",
            "博文",
            "天宇",
            "嘉豪",
            "梓豪",
            "一鸣",
            "子豪",
            "皓轩",
            "明轩",
            "宇轩",
            "浩宇",
            "晨阳",
            "家乐",
            "俊熙",
            "文博",
            "振宇",
        ),
        (
            "欣怡",
            "梓涵",
            "诗涵",
            "雨萱",
            "思琪",
            "佳怡",
            "紫涵",
            "梦琪",
            "语嫣",
            "可馨",
            "雨欣",
            "佳琪",
            "心怡",
            "子涵",
            "晓彤",
            "若曦",
            "诗琪",
            "梦瑶",
            "一诺",
            "欣然",
        ),
        "浩宇轩杰涛鑫博凯帆睿晨阳旭航磊鹏",
        "婷雪倩颖琪悦欣怡萌璐晶瑶彤佳蕾",
    ),
)

ETHNICITIES = ("汉族",) * 92 + (
    "土家族",
    "土家族",
    "回族",
    "苗族",
    "满族",
    "蒙古族",
    "壮族",
    "侗族",
)

PHONE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)

MOBILE_LOCATIONS = (
    "广东省深圳市宝安区",
    "广东省东莞市长安镇",
    "广东省广州市白云区",
    "浙江省杭州市萧山区",
    "浙江省宁波市北仑区",
    "上海市浦东新区",
    "江苏省苏州市昆山市",
    "福建省厦门市集美区",
    "北京市朝阳区",
)

# Region codes (行政区划代码) of one prefecture each, with how many people were born there:
# most in the county itself, a few in neighbouring ones.
TOWN_REGIONS = (("420116", 80), ("420117", 8), ("420114", 6), ("420112", 3), ("420115", 3))
COUNTY_REGIONS = (("421122", 75), ("421121", 8), ("421123", 7), ("421181", 6), ("421124", 4))
IMPORT_REGIONS = (("421081", 40), ("421083", 30), ("421087", 20), ("421022", 10))

# Education by unit type: (level, weight).
EDUCATION: dict[str, tuple[tuple[str, int], ...]] = {
    "village": (
        ("小学", 8),
        ("初中", 35),
        ("高中", 25),
        ("中专", 10),
        ("大专", 15),
        ("大学本科", 7),
    ),
    "community": (("初中", 8), ("高中", 20), ("中专", 10), ("大专", 35), ("大学本科", 27)),
    "agency": (("大专", 15), ("大学本科", 65), ("硕士研究生", 20)),
    "school": (("大专", 12), ("大学本科", 75), ("硕士研究生", 13)),
    "enterprise": (("高中", 12), ("中专", 15), ("大专", 38), ("大学本科", 30), ("硕士研究生", 5)),
    "other": (("中专", 15), ("大专", 40), ("大学本科", 40), ("硕士研究生", 5)),
    "retired": (
        ("小学", 10),
        ("初中", 25),
        ("高中", 25),
        ("中专", 20),
        ("大专", 15),
        ("大学本科", 5),
    ),
}

# Age ranges (years, inclusive) by category, and for full members by unit type.
FULL_AGES = {
    "village": (28, 76),
    "community": (26, 66),
    "agency": (25, 58),
    "school": (25, 58),
    "enterprise": (24, 56),
    "other": (25, 58),
    "retired": (61, 88),
}
CATEGORY_AGES = {
    "probationary": (20, 40),
    "candidate": (20, 38),
    "activist": (19, 35),
    "applicant": (18, 32),
}
# Share of each category in an ordinary branch.
CATEGORY_WEIGHTS = (
    ("full", 82),
    ("probationary", 4),
    ("candidate", 3),
    ("activist", 5),
    ("applicant", 6),
)

# Jobs by unit type, to be written after the unit's name ("示范村村民委员会 主任").
JOBS: dict[str, tuple[str, ...]] = {
    "village": (
        "村民",
        "村民",
        "村民",
        "村民",
        "种植大户",
        "养殖户",
        "个体户",
        "返乡创业人员",
        "村民小组长",
        "乡村医生",
        "农机手",
    ),
    "village_staff": ("主任", "副主任", "会计", "妇联主席", "治保主任", "文书"),
    "community": (
        "网格员",
        "网格员",
        "居民",
        "居民",
        "居民",
        "个体工商户",
        "物业公司员工",
        "志愿者服务队队长",
        "楼栋长",
    ),
    "community_staff": ("主任", "副主任", "社区专干", "网格长"),
    "agency": (
        "党政办科员",
        "经济发展办干部",
        "社会事务办干部",
        "综治中心专干",
        "财政所会计",
        "农业服务中心技术员",
        "文化站站长",
        "退役军人服务站干部",
        "党群服务中心干部",
        "应急管理办干部",
        "自然资源所干部",
    ),
    "school": (
        "语文教师",
        "数学教师",
        "英语教师",
        "物理教师",
        "道德与法治教师",
        "体育教师",
        "音乐教师",
        "美术教师",
        "信息技术教师",
        "班主任",
        "教导主任",
        "德育主任",
        "总务主任",
    ),
    "enterprise": (
        "生产部经理",
        "技术员",
        "质检员",
        "财务",
        "销售经理",
        "车间主任",
        "行政主管",
        "仓储主管",
        "研发工程师",
        "办公室主任",
    ),
    "hospital": (
        "内科医生",
        "外科医生",
        "全科医生",
        "护士",
        "护士",
        "护士长",
        "药剂师",
        "公共卫生科科员",
        "检验师",
        "中医科医生",
    ),
    "other": ("工作人员", "职工", "办事员", "管理员", "技术员"),
    "retired": ("退休干部", "退休教师", "退休职工"),
    "county_agency": (
        "科员",
        "科员",
        "科员",
        "办公室主任",
        "股长",
        "副股长",
        "四级主任科员",
        "一级科员",
        "综合股干部",
        "执法大队队员",
    ),
}

# --- Place and unit names for the county-sized data -----------------------------------------
TOWNS = (
    "城关镇",
    "杏花乡",
    "华家河镇",
    "二程镇",
    "上新集镇",
    "高桥镇",
    "觅儿寺镇",
    "八里湾镇",
    "太平桥镇",
    "永佳河镇",
    "七里坪镇",
    "柳林镇",
    "白马镇",
    "青山镇",
    "石桥镇",
    "双河镇",
    "龙潭乡",
    "黄土岗镇",
    "新店镇",
    "长岭镇",
)
VILLAGE_HEADS = (
    "杨家",
    "李家",
    "陈家",
    "王家",
    "张家",
    "刘家",
    "周家",
    "吴家",
    "胡家",
    "徐家",
    "程家",
    "余家",
    "方家",
    "汪家",
    "夏家",
    "罗家",
    "石家",
    "熊家",
    "大",
    "小",
    "新",
    "老",
    "上",
    "下",
    "东",
    "西",
    "南",
    "北",
    "前",
    "后",
    "枫树",
    "桃花",
    "柳",
    "松",
    "竹",
    "杏",
    "梅",
    "马",
)
VILLAGE_TAILS = "湾冲岗畈河岭庄店寨坪咀垸铺桥坳山田塘"
VILLAGES_OF_AN_ERA = (
    "红星",
    "光明",
    "团结",
    "向阳",
    "胜利",
    "新建",
    "和平",
    "幸福",
    "红旗",
    "前进",
)
COMMUNITIES = (
    "城东",
    "城西",
    "城南",
    "城北",
    "东风",
    "人民路",
    "解放路",
    "新华",
    "桃园",
    "金桥",
    "滨河",
    "文昌",
    "车站",
    "凤凰",
    "紫荆",
    "和谐",
    "建设路",
    "朝阳",
)
BRANDS = (
    "鑫源",
    "华兴",
    "恒达",
    "金穗",
    "绿源",
    "宏图",
    "天成",
    "永盛",
    "瑞丰",
    "佳禾",
    "富民",
    "兴农",
    "汇通",
    "盛世",
    "光华",
    "大别山",
    "楚天",
    "荆楚",
    "新星",
    "长青",
    "东升",
    "金桥",
    "同心",
    "惠民",
    "丰收",
    "福瑞",
    "华盛",
    "康达",
    "绿野",
    "山河",
)
INDUSTRIES = (
    "农业科技",
    "茶业",
    "建材",
    "食品",
    "纺织",
    "机械制造",
    "物流",
    "生态农业",
    "电子科技",
    "新材料",
    "米业",
    "油脂",
    "医药",
    "服饰",
    "酒业",
    "木业",
    "包装",
    "建筑工程",
)
COOPERATIVES = ("油茶", "板栗", "茶叶", "蔬菜", "水产养殖", "中药材", "葛根", "花生", "生猪养殖")
TOWN_OTHERS = (
    ("供电所", "other"),
    ("农村信用社", "other"),
    ("敬老院", "other"),
    ("财政所", "other"),
    ("农业服务中心", "other"),
    ("社会组织联合", "other"),
    ("个体私营企业联合", "other"),
    ("市场监督管理所", "other"),
    ("派出所", "other"),
    ("自然资源所", "other"),
)
COUNTY_AGENCIES = (
    "县委办公室",
    "县政府办公室",
    "县发展和改革局",
    "县财政局",
    "县教育局",
    "县民政局",
    "县人力资源和社会保障局",
    "县自然资源和规划局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利和湖泊局",
    "县农业农村局",
    "县商务局",
    "县文化和旅游局",
    "县卫生健康局",
    "县退役军人事务局",
    "县应急管理局",
    "县审计局",
    "县市场监督管理局",
    "县统计局",
    "县医疗保障局",
    "县林业局",
    "县信访局",
    "县档案馆",
    "县委党校",
    "县融媒体中心",
    "县司法局",
    "县生态环境分局",
    "县科学技术和经济信息化局",
    "县政务服务和大数据管理局",
)
COUNTY_OTHERS = (
    ("县人民医院", "other", "hospital"),
    ("县中医医院", "other", "hospital"),
    ("县妇幼保健院", "other", "hospital"),
    ("县第一中学", "school", "school"),
    ("县实验中学", "school", "school"),
    ("县实验小学", "school", "school"),
    ("县职业教育中心", "school", "school"),
    ("县城市建设投资有限公司", "enterprise", "enterprise"),
    ("县自来水公司", "enterprise", "enterprise"),
)


def weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass(frozen=True)
class Person:
    name: str
    gender: str  # "male" or "female", as the ID number's 17th digit says
    birth_date: dt.date
    id_number: str
    phone: str
    ethnicity: str


@dataclass(frozen=True)
class Dates:
    joined_on: dt.date | None
    full_on: dt.date | None
    in_branch_since: dt.date


def given_name(rng: random.Random, gender: str, born: int) -> str:
    _, male2, female2, male1, female1 = next(g for g in GENERATIONS if born < g[0])
    two, one = (male2, male1) if gender == "male" else (female2, female1)
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(two)
    if roll < 0.55:
        return rng.choice(one)
    first, second = rng.sample(one, 2)
    return first + second


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A day in [start, end]; ``start`` when the range is empty."""
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, span)) if span > 0 else start


class People:
    """Draws people with unique ID numbers from a seeded random generator."""

    def __init__(
        self,
        rng: random.Random,
        regions: Sequence[tuple[str, int]],
        taken: set[str] | None = None,
    ) -> None:
        self.rng = rng
        self.codes = [r[0] for r in regions]
        self.weights = [r[1] for r in regions]
        self.taken: set[str] = taken if taken is not None else set()

    def id_number(self, birth: dt.date, gender: str) -> str:
        """A valid, unused ID number: region, birth date, a sequence whose last digit is odd
        for men and even for women, and the check character."""
        while True:
            region = self.rng.choices(self.codes, weights=self.weights)[0]
            sequence = self.rng.randrange(500) * 2 + (1 if gender == "male" else 0)
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.taken:
                self.taken.add(number)
                return number

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def person(self, *, ages: tuple[int, int], today: dt.date, gender: str | None = None) -> Person:
        rng = self.rng
        gender = gender or rng.choice(("male", "female"))
        youngest = add_years(today, -max(ages[0], MIN_AGE)) - dt.timedelta(days=1)
        oldest = add_years(today, -(ages[1] + 1)) + dt.timedelta(days=1)
        birth = random_day(rng, oldest, youngest)
        surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
        given = given_name(rng, gender, birth.year)
        while surname in given:  # no 林林 or 马马
            given = given_name(rng, gender, birth.year)
        return Person(
            name=surname + given,
            gender=gender,
            birth_date=birth,
            id_number=self.id_number(birth, gender),
            phone=self.phone(),
            ethnicity=rng.choice(ETHNICITIES),
        )


def ages_for(category: str, unit: str) -> tuple[int, int]:
    """The age range of a person of ``category`` in a branch of ``unit`` (or "retired")."""
    if category == "full":
        return FULL_AGES[unit]
    return CATEGORY_AGES[category]


def membership_dates(
    rng: random.Random, *, category: str, birth: dt.date, today: dt.date, retired: bool = False
) -> Dates:
    """Joining, 转正 and arrival dates consistent with the category and the person's age.

    Full members joined at 18 or later and at least a year (and a few weeks) ago, and became
    full a year after joining, plus a few days; probationary members joined within the last
    year; the others applied within the last few years, at 18 or later.
    """
    adult = add_years(birth, MIN_AGE) + dt.timedelta(days=30)
    if category == "full":
        latest = today - dt.timedelta(days=400)
        age_now = (latest - birth).days / 365.25
        joined_age = rng.uniform(MIN_AGE + 0.2, max(MIN_AGE + 0.3, min(age_now - 0.1, 40.0)))
        joined = max(adult, birth + dt.timedelta(days=int(joined_age * 365.25)))
        joined = min(joined, latest)
        full_on = add_years(joined, 1) + dt.timedelta(days=rng.randint(0, 20))
        since = joined
        if retired:
            retirement = add_years(birth, 60)
            since = max(joined, min(retirement, today - dt.timedelta(days=30)))
        elif rng.random() < 0.4:
            since = random_day(rng, joined, today - dt.timedelta(days=60))
        return Dates(joined, full_on, since)
    if category == "probationary":
        joined = max(adult, today - dt.timedelta(days=rng.randint(15, 340)))
        return Dates(joined, None, joined)
    back = {"candidate": (420, 1500), "activist": (200, 900), "applicant": (20, 500)}[category]
    applied = max(adult, today - dt.timedelta(days=rng.randint(*back)))
    return Dates(None, None, min(applied, today))


def education(rng: random.Random, unit: str) -> str:
    return weighted(rng, EDUCATION[unit])


# --- Organizational life: what the meetings were about ----------------------------------------
#
# The demo's and the county data's minutes are written from these: a theme per calendar month,
# agenda items per kind of meeting with a few sentences each, as a branch's recorder would write
# them. Placeholders: {theme} (the month's theme), {unit} (the branch's workplace).

MONTH_THEMES = {
    1: "走访慰问困难党员和群众",
    2: "学习党章党规，坚定理想信念",
    3: "学雷锋志愿服务",
    4: "缅怀革命先烈，传承红色基因",
    5: "弘扬劳动精神，争当岗位先锋",
    6: "安全生产和防汛备汛",
    7: "庆祝建党，重温入党誓词",
    8: "关心关爱退役军人和军属",
    9: "秋收帮扶和尊师重教",
    10: "爱国主义教育",
    11: "冬季消防安全和党纪学习",
    12: "年终总结，谋划来年工作",
}

FIRST_TOPIC_CONTENT = (
    "书记领学习近平总书记最新重要讲话和重要指示批示精神。{speaker}结合{unit}实际谈了学习体会，"
    "大家一致表示要把学习成果落实到本职工作中。"
)

# The "5" of a 主题党日 (rules.DEFAULT_THEME_DAY_ITEMS) and what was recorded under each.
THEME_DAY_CONTENT = {
    "集中学习": (
        "围绕“{theme}”主题，组织委员领读学习材料，党员逐一谈认识。"
        "大家认为要把学习同解决群众急难愁盼问题结合起来。"
    ),
    "重温入党誓词": "全体党员面向党旗，由书记领誓，重温入党誓词。",
    "交纳党费": "组织委员收缴本月党费，当场登记，无欠缴。",
    "民主议事": (
        "围绕{unit}近期工作听取党员意见建议，收集到{n}条，"
        "支部逐条明确了责任人和办理时限，下次主题党日通报办理情况。"
    ),
    "志愿服务": "会后党员分组开展志愿服务，围绕“{theme}”走访群众、清理环境卫生。",
}
THEME_DAY_X = {
    "village": ("人居环境整治", "入户走访留守老人", "村级事务公开"),
    "community": ("网格走访", "楼栋议事", "关爱独居老人"),
    "agency": ("为民服务办实事", "优化营商环境调研"),
    "school": ("师德师风建设", "关爱留守儿童"),
    "enterprise": ("安全生产检查", "技术攻关献一策"),
    "hospital": ("义诊进村", "健康知识宣讲"),
    "retired": ("老党员讲党史", "银发志愿服务"),
    "other": ("为民服务办实事", "岗位建功"),
}
X_CONTENT = "支部组织党员开展“{x}”活动，{speaker}介绍了具体安排，党员认领任务，按期完成。"

COMMITTEE_AGENDA = (
    (
        "传达学习上级党委会议和文件精神",
        "书记传达了上级党委近期会议和文件精神，委员结合分工谈了落实意见。",
    ),
    ("研究本月主题党日活动安排", "确定本月主题党日围绕“{theme}”开展，明确了主持、记录和活动分工。"),
    (
        "研究党员教育管理工作",
        "分析了本支部党员参加组织生活情况，对未参加的党员明确由委员分别联系、督促补学。",
    ),
    (
        "研究发展党员工作",
        "听取培养联系人对入党积极分子的培养考察情况汇报，按程序推进发展党员工作。",
    ),
    ("通报党费收缴情况", "组织委员通报党费收缴情况，均按时足额交纳。"),
)
ASSEMBLY_AGENDA = (
    ("传达上级党委工作部署", "书记传达了上级党委本季度工作部署，提出支部贯彻落实的具体措施。"),
    (
        "通报本季度支部工作情况",
        "书记代表支部委员会通报本季度工作，党员对支部工作提出意见建议{n}条。",
    ),
    ("讨论决定支部重要事项", "会议按程序讨论了需要党员大会决定的事项，表决结果见决议。"),
)
ASSEMBLY_RESOLUTIONS = (
    "通过《关于本支部下季度重点工作安排的决议》",
    "通过党费使用和管理情况的报告",
    "同意推荐优秀党员、优秀党务工作者人选",
)
LECTURE_TITLES = (
    "坚定理想信念，做新时代合格党员",
    "学习党章党规，严守纪律规矩",
    "弘扬优良作风，密切联系群众",
    "发挥先锋模范作用，推动工作落地见效",
    "传承红色基因，赓续精神血脉",
)
LECTURE_CONTENT = (
    "{lecturer}以“{title}”为题讲授党课，结合身边人身边事讲了党员应有的担当。"
    "课后党员交流了学习体会，大家表示要在{unit}工作中作表率。"
)
GROUP_AGENDA = (
    ("学习交流", "党小组长领学近期学习材料，小组成员逐一交流学习体会。"),
    ("开展谈心谈话", "小组成员之间相互谈心，交流思想和工作，互相提出意见。"),
    ("收集群众意见", "汇总小组党员联系户反映的意见{n}条，报支委会研究。"),
)
LIFE_AGENDA = (
    ("通报上年度组织生活会整改落实情况", "书记通报上年度查摆问题的整改情况，整改事项均已完成。"),
    (
        "支部班子对照检查",
        "书记代表支部委员会作对照检查，查摆了理论学习不够深入、联系群众不够经常等问题。",
    ),
    (
        "党员开展批评和自我批评",
        "党员逐一发言，开展批评和自我批评，相互提出批评意见，达到了红红脸、出出汗的效果。",
    ),
    ("民主评议党员", "会议开展民主评议党员，党员自评、互评后进行民主测评，结果报上级党委。"),
)
SUMMARIES = (
    "会议按议程进行，达到了预期效果。",
    "会议气氛热烈，党员发言积极，会议取得了实效。",
    "主持人对会议作了总结，要求党员把会议精神落实到实际行动中。",
)
SUMMARY_LEAVE = "{names}因事请假，会后由书记当面传达会议精神。"

LEAVE_REASONS = {
    "village": ("外出务工", "在外地照顾生病的家人", "农忙抢收", "身体不适"),
    "community": ("值班", "陪家人就医", "出差"),
    "agency": ("在县里开会", "下村驻点", "出差"),
    "school": ("上课", "带学生参加比赛", "外出培训"),
    "enterprise": ("出差", "车间值班", "外出培训"),
    "hospital": ("值班", "下乡义诊", "外出进修"),
    "retired": ("身体不适住院", "在外地子女家", "行动不便"),
    "other": ("出差", "值班", "外出培训"),
}
MAKEUP_HOWS = (
    "自学会议记录，向书记汇报学习体会",
    "书记当面传达会议精神",
    "通过微信群学习会议材料并交流体会",
    "参加线上学习并提交心得",
)
PLACES = {
    "village": "村党群服务中心会议室",
    "community": "社区党群服务中心",
    "agency": "机关三楼会议室",
    "school": "学校会议室",
    "enterprise": "公司会议室",
    "hospital": "卫生院会议室",
    "retired": "老干部活动中心",
    "other": "党员活动室",
}
