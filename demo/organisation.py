"""The demo committee: 3 categories, 2 coordination groups, 8 units, 30 branches."""

from django.contrib.auth.hashers import make_password

from units.models import Branch, CoordinationGroup, Role, Unit, UnitCategory, User

DEMO_PASSWORD = "Demo-2026!"

CATEGORIES = [
    ("general", "综合管理类", "党委办公、组织、宣传、政策研究等综合部门"),
    ("economic", "经济调节类", "发展改革、财政、自然资源等经济管理部门"),
    ("service", "窗口服务类", "直接面向企业和群众办事的部门"),
]
GROUPS = [("第一协作组", "综合与经济部门"), ("第二协作组", "服务与民生部门")]

# slug, name, short name, category, group, headcount, party-affairs staff, branches
UNITS = [
    (
        "fgw",
        "省发展和改革委员会",
        "省发改委",
        "economic",
        0,
        260,
        4,
        ["办公室党支部", "规划处党支部", "投资处党支部", "价格处党支部"],
    ),
    (
        "czt",
        "省财政厅",
        "省财政厅",
        "economic",
        0,
        230,
        3,
        ["办公室党支部", "预算处党支部", "国库处党支部", "离退休干部党支部"],
    ),
    (
        "zrzyt",
        "省自然资源厅",
        "省自然资源厅",
        "economic",
        0,
        180,
        2,
        ["办公室党支部", "规划处党支部", "执法局党支部"],
    ),
    (
        "jyt",
        "省教育厅",
        "省教育厅",
        "general",
        0,
        200,
        3,
        ["办公室党支部", "基础教育处党支部", "高教处党支部", "机关第四党支部"],
    ),
    (
        "zzb",
        "省委组织部机关",
        "省委组织部",
        "general",
        0,
        150,
        6,
        ["机关第一党支部", "机关第二党支部", "机关第三党支部"],
    ),
    (
        "rst",
        "省人力资源和社会保障厅",
        "省人社厅",
        "service",
        1,
        320,
        5,
        ["办公室党支部", "就业处党支部", "社保中心党支部", "劳动监察局党支部"],
    ),
    (
        "scjg",
        "省市场监督管理局",
        "省市场监管局",
        "service",
        1,
        410,
        6,
        ["办公室党支部", "登记注册局党支部", "执法稽查局党支部", "机关综合党支部"],
    ),
    (
        "zwfw",
        "省政务服务和数字化局",
        "省政务服务局",
        "service",
        1,
        120,
        2,
        ["办公室党支部", "政务大厅党支部", "数据管理处党支部", "12345热线党支部"],
    ),
]

SECRETARY_NAMES = [
    "王建国",
    "李秀英",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄敏",
    "周杰",
    "吴霞",
    "徐明",
    "孙丽",
    "胡斌",
    "朱红",
    "高峰",
    "林芳",
    "何勇",
    "郭婷",
    "马超",
    "罗娟",
    "梁晨",
    "宋涛",
    "郑雪",
    "谢军",
    "韩梅",
    "唐亮",
    "冯洁",
    "于波",
    "董倩",
    "萧然",
    "程刚",
    "曹颖",
]

# Usernames printed by `make run`; each sees exactly its scope.
DEMO_LOGINS = [
    ("committee", "工委工作人员 · 全部单位，可编辑", "工委 李主任"),
    ("leader", "领导 · 全部单位，只读", "领导小组 张组长"),
    ("unitadmin", "单位管理员 · 省发改委", "省发改委 陈副书记"),
    ("secretary", "支部书记 · 省发改委办公室党支部", "王建国"),
    ("secretary2", "支部书记 · 省政务服务局政务大厅党支部", None),
    ("inspector", "联检评审员 · 省人社厅单位管理员，2026年第三季度联检联评", "省人社厅 周联检"),
]


def load():
    categories = {}
    for order, (code, name, description) in enumerate(CATEGORIES):
        categories[code], _ = UnitCategory.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )
    groups = []
    for order, (name, description) in enumerate(GROUPS):
        group, _ = CoordinationGroup.objects.update_or_create(
            name=name, defaults={"description": description, "sort_order": order}
        )
        groups.append(group)

    names = iter(SECRETARY_NAMES)
    branches = {}
    for slug, name, short, category, group, headcount, staff, branch_names in UNITS:
        unit, _ = Unit.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "category": categories[category],
                "group": groups[group],
                "headcount": headcount,
                "party_affairs_staff": staff,
            },
        )
        for index, branch_name in enumerate(branch_names):
            # One large branch shows the 100-member health signal.
            members = 112 if (slug, index) == ("scjg", 1) else 18 + (index * 7 + len(slug)) % 30
            branch, _ = Branch.objects.update_or_create(
                unit=unit,
                name=branch_name,
                defaults={"secretary_name": next(names), "member_count": members},
            )
            branches[(slug, branch_name)] = branch

    password = make_password(DEMO_PASSWORD)  # hashed once, reused: loading stays fast
    users = {}
    for username, _scope, full_name in DEMO_LOGINS:
        users[username], _ = User.objects.update_or_create(
            username=username, defaults={"full_name": full_name or "", "password": password}
        )
    users["secretary2"].full_name = branches[("zwfw", "政务大厅党支部")].secretary_name
    users["secretary"].full_name = branches[("fgw", "办公室党支部")].secretary_name
    for user in users.values():
        user.save(update_fields=["full_name"])

    fgw = Unit.objects.get(slug="fgw")
    grants = [
        (users["committee"], Role.Kind.COMMITTEE, None, None),
        (users["leader"], Role.Kind.LEADER, None, None),
        (users["unitadmin"], Role.Kind.UNIT_ADMIN, fgw, None),
        (users["secretary"], Role.Kind.SECRETARY, None, branches[("fgw", "办公室党支部")]),
        (users["secretary2"], Role.Kind.SECRETARY, None, branches[("zwfw", "政务大厅党支部")]),
    ]
    # Every other branch gets its own secretary account too, named after the branch.
    for number, branch in enumerate(
        sorted(branches.values(), key=lambda b: (b.unit.slug, b.name)), start=1
    ):
        if branch in (branches[("fgw", "办公室党支部")], branches[("zwfw", "政务大厅党支部")]):
            continue
        user, _ = User.objects.update_or_create(
            username=f"sec{number:02d}",
            defaults={"full_name": branch.secretary_name, "password": password},
        )
        grants.append((user, Role.Kind.SECRETARY, None, branch))
    for user, kind, unit, branch in grants:
        Role.objects.get_or_create(user=user, kind=kind, unit=unit, branch=branch)
    return users
