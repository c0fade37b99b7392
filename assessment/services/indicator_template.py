"""The default 四个模范 / 六实 indicator system shipped with the platform.

Authored from seed 000 §二(一) (the four goals), §二(三) (the six standards and the concrete
checks under each) and §三(一)(三) (phases; quarterly supervision, half-year test, annual
exam), with items and wording from seeds 001 (廉政风险点, 一支部一品牌, 精文简会), 002 (三会一课,
主题党日) and 004 (负面清单). Each item's description quotes the seed words it
operationalises; an item no seed asks for says 平台建议 (the platform's own proposal).

Six dimensions share 100 base points; each item's full marks equal its effective points so
the table reads naturally. Bonus, deduction and veto items sit outside the weights.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from units.errors import ensure
from units.models import UnitCategory
from units.numbers import rounded

from ..models import AnnualPlan, Goal, Indicator, IndicatorSystem, Phase, Standard
from ..selectors.plans import may_edit_plan
from .indicators import apply_phase_preset, next_version, raise_satisfaction_weight

K = Indicator.Kind
F = Indicator.Frequency
L = Indicator.Level
FOCUS = Indicator.Focus

# (code, name, standard, weight %, seed words)
DIMENSIONS = [
    (
        "XN",
        "信念坚实",
        Standard.BELIEF,
        15,
        "000 §二(三)一：“做到‘两个维护’、增强‘四个意识’、坚定‘四个自信’，"
        "牢记初心使命，严守纪律规矩，彰显政治属性。”",
    ),
    (
        "LL",
        "理论扎实",
        Standard.THEORY,
        15,
        "000 §二(三)二：“做到自觉主动学、及时跟进学、联系实际学、笃信笃行学……"
        "做到学思用贯通、知信行统一。”",
    ),
    (
        "ZZ",
        "组织夯实",
        Standard.ORGANISATION,
        20,
        "000 §二(三)三：“做到组织机构健全、政治功能强大、教育管理规范，"
        "制度执行到位、特色亮点突出、保障作用明显。”",
    ),
    (
        "ZF",
        "作风务实",
        Standard.CONDUCT,
        15,
        "000 §二(三)四：“做到带头弘扬优良传统、带头密切联系群众、带头纠治‘四风’问题、"
        "带头推进作风转变。”",
    ),
    (
        "JL",
        "纪律压实",
        Standard.DISCIPLINE,
        15,
        "000 §二(三)五：“坚持做到严字当头，坚持开展警示教育，坚持运用‘四种形态’，"
        "坚持落实‘两个责任’。”",
    ),
    (
        "FW",
        "服务求实",
        Standard.SERVICE,
        20,
        "000 §二(三)六：“做到围绕中心坚强有力、服务大局精益求精、服务基层优质高效、"
        "服务群众细致入微、服务社会担当作为。”",
    ),
]


# Marks an item (or a part of it) that no seed asks for: the platform's own proposal.
PROPOSAL = "平台建议"


def item(code, name, kind, weight, goal, freq, seed, evidence, **extra):
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "weight": Decimal(str(weight)),
        "goal": goal,
        "frequency": freq,
        "description": seed if seed.startswith(PROPOSAL) else "依据 " + seed,
        "evidence_guide": evidence,
        **extra,
    }


# Items under each dimension, by dimension code.
ITEMS = {
    "XN": [
        item(
            "XN01",
            "“第一议题”制度落实",
            K.QUANTITATIVE,
            40,
            Goal.POLITICS,
            F.QUARTERLY,
            "000 §二(一)“及时传达贯彻习近平总书记重要讲话和指示批示精神”；"
            "§二(三)一“做到‘两个维护’”。",
            "本季度支部会议把学习习近平总书记重要讲话和指示批示精神作为第一议题的次数，"
            "附会议记录首页。",
            requires_number=True,
            number_label="“第一议题”学习次数",
            requires_attachment=True,
            rule={"type": "thresholds", "steps": [[3, 100], [2, 70], [1, 40]]},
            focus=FOCUS.STANDARDS,
        ),
        item(
            "XN02",
            "“四个意识”“四个自信”专题教育",
            K.GRADED,
            20,
            Goal.POLITICS,
            F.HALF_YEAR,
            "000 §二(三)一“增强‘四个意识’、坚定‘四个自信’，牢记初心使命”。",
            "专题党课、主题党日或研讨的时间、主题和参加人数，一段话说明即可。",
        ),
        item(
            "XN03",
            "重大事项请示报告",
            K.YES_NO,
            20,
            Goal.POLITICS,
            F.ANNUAL,
            "000 §二(三)一“严守纪律规矩，彰显政治属性”；"
            "§二(一)“忠诚核心、拥护核心、跟随核心、捍卫核心”。",
            "本年度按规定向上级党组织请示报告重大事项的清单（单位填报）。",
            level=L.UNIT,
            requires_attachment=True,
        ),
        item(
            "XN04",
            "意识形态工作责任制落实",
            K.GRADED,
            20,
            Goal.POLITICS,
            F.ANNUAL,
            "000 §二(三)一“彰显政治属性”；§二(一)“绝对忠诚、绝对纯洁、绝对可靠”。",
            "支部研判意识形态形势、管好阵地的情况说明。",
        ),
    ],
    "LL": [
        item(
            "LL01",
            "支部集中学习",
            K.QUANTITATIVE,
            30,
            Goal.POLITICS,
            F.QUARTERLY,
            "000 §二(三)二“自觉主动学、及时跟进学”，“以习近平新时代中国特色社会主义思想武装头脑”。",
            "本季度支部集中学习次数，列出日期和主题。",
            requires_number=True,
            number_label="集中学习次数",
            rule={"type": "ratio", "target": 3},
            focus=FOCUS.STANDARDS,
        ),
        item(
            "LL02",
            "党员自学覆盖率",
            K.QUANTITATIVE,
            20,
            Goal.EFFICIENCY,
            F.QUARTERLY,
            "000 §二(一)“牢固树立终身学习理念”；§二(三)二“自觉主动学”。",
            "完成本季度自学任务的党员占支部党员的百分比（0–100）。",
            requires_number=True,
            number_label="自学覆盖率（%）",
            rule={"type": "thresholds", "steps": [[95, 100], [85, 80], [70, 60]]},
            focus=FOCUS.STANDARDS,
        ),
        item(
            "LL03",
            "联系实际开展调查研究",
            K.QUANTITATIVE,
            30,
            Goal.RESPONSIBILITY,
            F.HALF_YEAR,
            "000 §二(三)二“联系实际学……指导实践、推动工作”。",
            "半年内形成的调研报告篇数，附报告。",
            requires_number=True,
            number_label="调研报告篇数",
            requires_attachment=True,
            rule={"type": "ratio", "target": 2},
            focus=FOCUS.OUTCOME,
        ),
        item(
            "LL04",
            "学习成果转化运用",
            K.GRADED,
            20,
            Goal.EFFICIENCY,
            F.ANNUAL,
            "000 §二(三)二“做到学思用贯通、知信行统一”。",
            "把学习成果转化为解决业务难题举措的一至三个实例。",
            focus=FOCUS.OUTCOME,
        ),
    ],
    "ZZ": [
        item(
            "ZZ01",
            "“三会一课”落实",
            K.QUANTITATIVE,
            25,
            Goal.POLITICS,
            F.QUARTERLY,
            "000 §二(三)三“制度执行到位”；§三(一)“2018—2020年……运行规范、活动经常、档案齐备”；"
            "002“健全落实‘三会一课’、民主评议党员、组织生活会等制度”。",
            "本季度召开党员大会、支委会和上党课的合计次数，附会议记录。",
            requires_number=True,
            number_label="“三会一课”次数",
            requires_attachment=True,
            rule={"type": "thresholds", "steps": [[6, 100], [4, 70], [2, 40]]},
            focus=FOCUS.RECTIFICATION,
        ),
        item(
            "ZZ02",
            "主题党日活动",
            K.QUANTITATIVE,
            15,
            Goal.POLITICS,
            F.QUARTERLY,
            "000 §二(三)三“政治功能强大”；002“开展政治生日、主题党日活动”。",
            "本季度开展主题党日的次数（每月一次为满分）。",
            requires_number=True,
            number_label="主题党日次数",
            rule={"type": "ratio", "target": 3},
        ),
        item(
            "ZZ03",
            "组织设置与按期换届",
            K.YES_NO,
            15,
            Goal.RESPONSIBILITY,
            F.ANNUAL,
            "000 §二(三)三“做到组织机构健全”。",
            "支部设置、支委配备和按期换届情况；党员超过100人的支部须说明调整计划。",
            focus=FOCUS.RECTIFICATION,
        ),
        item(
            "ZZ04",
            "党费按时足额交纳",
            K.QUANTITATIVE,
            15,
            Goal.DISCIPLINE,
            F.QUARTERLY,
            "000 §二(三)三“教育管理规范”。",
            "本季度按时足额交纳党费的党员比例（0–100）。",
            requires_number=True,
            number_label="按时交纳率（%）",
            requires_text=False,
            rule={"type": "thresholds", "steps": [[100, 100], [95, 60]]},
        ),
        item(
            "ZZ05",
            "组织生活会和民主评议党员",
            K.GRADED,
            15,
            Goal.DISCIPLINE,
            F.ANNUAL,
            "000 §二(三)三“教育管理规范，制度执行到位”；§二(一)“勇于进行自我革命”。",
            "组织生活会查摆的问题清单和整改情况，附会议记录。",
            requires_attachment=True,
            focus=FOCUS.RECTIFICATION,
        ),
        item(
            "ZZ06",
            "党建与业务深度融合",
            K.GRADED,
            15,
            Goal.EFFICIENCY,
            F.HALF_YEAR,
            "000 §二(三)三“保障作用明显”；§二(一)“把党的领导融入业务工作、中心工作”。",
            "以党建带动业务的做法和成效，一至两个实例。",
            focus=FOCUS.OUTCOME,
        ),
        item(
            "ZZ91",
            "一支部一品牌",
            K.BONUS,
            0,
            Goal.EFFICIENCY,
            F.ANNUAL,
            "000 §二(三)三“特色亮点突出”；§三(二)“依托精品工作和有效载体”；"
            "001“抓实‘一支部一品牌’”。",
            "支部党建品牌的名称、做法和获得的认可，附材料。",
            max_score=Decimal("3"),
            requires_attachment=True,
        ),
        item(
            "ZZ92",
            "典型经验被上级推广",
            K.BONUS,
            0,
            Goal.EFFICIENCY,
            F.ANNUAL,
            "000 §三(一)“加强典型示范”；§三(三)“宣传典型经验”。",
            "上级党组织或媒体推广本支部经验的文件或报道。",
            max_score=Decimal("2"),
            requires_attachment=True,
        ),
    ],
    "ZF": [
        item(
            "ZF01",
            "走访联系服务群众",
            K.QUANTITATIVE,
            30,
            Goal.RESPONSIBILITY,
            F.QUARTERLY,
            "000 §二(三)四“带头密切联系群众”。",
            "本季度支部组织党员走访基层、联系服务群众的次数。",
            requires_number=True,
            number_label="走访次数",
            rule={"type": "ratio", "target": 2},
        ),
        item(
            "ZF02",
            "督查反馈问题整改完成率",
            K.QUANTITATIVE,
            30,
            Goal.DISCIPLINE,
            F.QUARTERLY,
            "000 §二(三)四“带头纠治‘四风’问题”；§三(一)“以创促建、以创促改”。",
            "平台建议（系统取数）。本季度到期的机关工委整改通知中已销号的百分比（0–100），"
            "支部无需填写；没有到期整改时计 100。",
            measure=Indicator.Measure.RECTIFICATION_RATE,
            requires_number=True,
            requires_text=False,
            number_label="整改完成率（%）",
            rule={"type": "thresholds", "steps": [[100, 100], [90, 80], [80, 60], [60, 30]]},
            focus=FOCUS.RECTIFICATION,
        ),
        item(
            "ZF03",
            "精文简会、为基层减负",
            K.GRADED,
            20,
            Goal.EFFICIENCY,
            F.HALF_YEAR,
            "001“把牢精文简会的刚性约束，改进督查检查考核方式”；000 §二(三)四“带头推进作风转变”。",
            "半年内发文、开会和督查检查的精简情况说明。",
        ),
        item(
            "ZF04",
            "弘扬优良传统",
            K.YES_NO,
            20,
            Goal.RESPONSIBILITY,
            F.ANNUAL,
            "000 §二(三)四“带头弘扬优良传统”。",
            "开展志愿服务、红色教育等活动的情况。",
        ),
    ],
    "JL": [
        item(
            "JL01",
            "警示教育",
            K.QUANTITATIVE,
            30,
            Goal.DISCIPLINE,
            F.QUARTERLY,
            "000 §二(三)五“坚持开展警示教育”。",
            "本季度开展警示教育的次数和形式。",
            requires_number=True,
            number_label="警示教育次数",
            rule={"type": "ratio", "target": 1},
            focus=FOCUS.STANDARDS,
        ),
        item(
            "JL02",
            "落实“两个责任”和“一岗双责”",
            K.GRADED,
            30,
            Goal.DISCIPLINE,
            F.HALF_YEAR,
            "000 §二(三)五“坚持落实‘两个责任’”；§三(四)“认真履行‘一岗双责’”。",
            "支部书记履行第一责任人职责、支委落实一岗双责的情况。",
        ),
        item(
            "JL03",
            "运用“四种形态”开展谈心谈话",
            K.YES_NO,
            20,
            Goal.DISCIPLINE,
            F.HALF_YEAR,
            "000 §二(三)五“坚持运用‘四种形态’”，“严字当头”。",
            "半年内开展谈心谈话、提醒的情况（不写姓名）。",
        ),
        item(
            "JL04",
            "廉政风险点排查整改",
            K.QUANTITATIVE,
            20,
            Goal.DISCIPLINE,
            F.ANNUAL,
            "001“健全……廉政风险点排查等防控体系”；000 §二(一)“持之以恒正风肃纪”。",
            "已完成防控整改的廉政风险点占排查出风险点的百分比（0–100）。",
            requires_number=True,
            number_label="整改完成率（%）",
            rule={"type": "thresholds", "steps": [[100, 100], [90, 80], [75, 50]]},
            focus=FOCUS.RECTIFICATION,
        ),
        item(
            "JL81",
            "违反中央八项规定精神被查处",
            K.DEDUCTION,
            0,
            Goal.DISCIPLINE,
            F.ANNUAL,
            "000 §二(三)四“带头纠治‘四风’问题”；004“对突出问题和成效不佳的实行负面清单管理”。",
            "由机关工委依据查处通报认定，每起扣分，扣完为止。",
            level=L.UNIT,
            max_score=Decimal("5"),
            requires_text=False,
        ),
        item(
            "JL82",
            "巡视巡察、审计指出问题整改不到位",
            K.DEDUCTION,
            0,
            Goal.RESPONSIBILITY,
            F.ANNUAL,
            "000 §三(一)“找准抓住薄弱环节、突出问题”；004“建立负面清单机制……强化整改落实”。",
            "由机关工委依据整改督查结果认定。",
            level=L.UNIT,
            max_score=Decimal("3"),
            requires_text=False,
        ),
        item(
            "JL83",
            "党建工作弄虚作假、搞形式主义",
            K.DEDUCTION,
            0,
            Goal.DISCIPLINE,
            F.ANNUAL,
            "000 §二(三)四“带头推进作风转变”；002“扎扎实实走程序，认认真真走过场”。",
            "由机关工委依据检查发现认定，如台账补记、材料造假。",
            level=L.UNIT,
            max_score=Decimal("2"),
            requires_text=False,
        ),
        item(
            "JL99",
            "发生严重违纪违法案件或重大意识形态事件",
            K.VETO,
            0,
            Goal.DISCIPLINE,
            F.ANNUAL,
            "000 §二(一)“持续营造正气充盈、海晏河清政治生态”；负面清单（004）一票否决。",
            "由机关工委认定；发生即取消当年模范机关评选资格。",
            level=L.UNIT,
            requires_text=False,
        ),
    ],
    "FW": [
        item(
            "FW01",
            "年度重点和专项工作完成率",
            K.QUANTITATIVE,
            25,
            Goal.RESPONSIBILITY,
            F.QUARTERLY,
            "000 §二(三)六“围绕中心坚强有力、服务大局精益求精”；"
            "§三(三)“把年度重点、专项工作，转化为……季度、年度考核指标”。",
            "本支部承担的年度重点和专项任务中按进度完成的百分比（0–100）。",
            requires_number=True,
            number_label="按进度完成率（%）",
            rule={"type": "thresholds", "steps": [[100, 100], [90, 80], [80, 60], [60, 30]]},
            focus=FOCUS.OUTCOME,
        ),
        item(
            "FW02",
            "基层反映问题办结率",
            K.QUANTITATIVE,
            20,
            Goal.EFFICIENCY,
            F.QUARTERLY,
            "000 §二(三)六“服务基层优质高效”。",
            "本季度基层和群众反映问题中已办结的百分比（0–100）。",
            requires_number=True,
            number_label="办结率（%）",
            rule={"type": "ratio", "target": 100},
            focus=FOCUS.OUTCOME,
        ),
        item(
            "FW03",
            "群众回访件办结率",
            K.QUANTITATIVE,
            25,
            Goal.RESPONSIBILITY,
            F.HALF_YEAR,
            "000 §二(三)六“服务群众细致入微”；§三(五)“请人民评判”。",
            "平台建议（系统取数）。本半年群众评议转成的回访件中已办结的百分比（0–100），单位无需填写；"
            "群众满意度本身只作为半年和年度总分的满意度一项计入，不在此重复计分。",
            level=L.UNIT,
            measure=Indicator.Measure.CASE_CLOSURE,
            requires_number=True,
            number_label="办结率（%）",
            requires_text=False,
            rule={"type": "thresholds", "steps": [[95, 100], [90, 85], [85, 70], [80, 50]]},
            focus=FOCUS.OUTCOME,
        ),
        item(
            "FW04",
            "窗口和一线服务规范",
            K.GRADED,
            15,
            Goal.EFFICIENCY,
            F.QUARTERLY,
            "000 §二(三)六“服务群众细致入微”；§二(一)“执行能力、工作业绩一流”。",
            "服务承诺、首问负责、限时办结等制度执行情况，一段话说明即可。",
            focus=FOCUS.STANDARDS,
        ),
        item(
            "FW05",
            "完成急难险重任务",
            K.YES_NO,
            15,
            Goal.RESPONSIBILITY,
            F.ANNUAL,
            "000 §二(三)六“服务社会担当作为”；§二(一)“完成急难险重任务，带头攻坚克难”。",
            "承担急难险重任务的名称和党员参与情况。",
            focus=FOCUS.OUTCOME,
        ),
        item(
            "FW91",
            "“好差评”好评率领先",
            K.BONUS,
            0,
            Goal.EFFICIENCY,
            F.ANNUAL,
            "平台建议（种子文件未提“好差评”）；参照 000 §三(五)“坚持分类评议”。",
            "政务服务“好差评”年度好评率排名前列的证明（窗口服务类单位）。",
            max_score=Decimal("2"),
            requires_attachment=True,
            category_codes=["service"],
        ),
    ],
}


# A branch holds at most a few dozen meetings or visits a period; above this a count is a typo.
COUNT_MAX = Decimal("100")


def number_kind_of(label: str) -> str:
    """A reported number labelled in per cent is a percentage, any other one a count."""
    is_share = "%" in label or "率" in label
    return Indicator.NumberKind.PERCENTAGE if is_share else Indicator.NumberKind.COUNT


def template_rows():
    """The template as a flat list of dicts in tree order, each with a parent code."""
    rows = []
    base = Decimal("100")
    for position, (code, name, standard, weight, seed) in enumerate(DIMENSIONS):
        dim_points = base * Decimal(weight) / 100
        rows.append(
            {
                "code": code,
                "parent": None,
                "name": name,
                "kind": K.DIMENSION,
                "standard": standard,
                "goal": "",
                "weight": Decimal(weight),
                "max_score": dim_points,
                "frequency": F.QUARTERLY,
                "description": "依据 " + seed,
                "position": position,
                "requires_text": False,
            }
        )
        for index, spec in enumerate(ITEMS[code]):
            row = dict(spec, parent=code, standard=standard, position=index)
            if row["kind"] not in (K.BONUS, K.DEDUCTION, K.VETO):
                row["max_score"] = rounded(dim_points * row["weight"] / 100)
            if row.get("requires_number"):
                row.setdefault("number_kind", number_kind_of(row["number_label"]))
                if row["number_kind"] == Indicator.NumberKind.COUNT:
                    row.setdefault("number_max", COUNT_MAX)
            rows.append(row)
    return rows


@transaction.atomic
def load_template(plan: AnnualPlan, *, by, note="") -> IndicatorSystem:
    """Build the default system as the plan's next version (version 1 on a new plan),
    leaning it towards what the plan's phase stresses (apply_phase_preset).

    ``by`` is committee staff; ``by=None`` is the platform itself (demo, bench, the
    load_indicator_template command run by the operator), never a request."""
    if by is not None:
        ensure(may_edit_plan(by), _("只有工委工作人员可以修改指标体系。"))
    system = IndicatorSystem.objects.create(
        plan=plan,
        version=next_version(plan),
        note=note or "四个模范·六实默认指标体系",
    )
    categories = {c.code: c for c in UnitCategory.objects.all()}
    created = {}
    for row in template_rows():
        row = dict(row)
        codes = row.pop("category_codes", [])
        parent = row.pop("parent")
        indicator = Indicator.objects.create(system=system, parent=created.get(parent), **row)
        wanted = [categories[c] for c in codes if c in categories]
        if wanted:
            indicator.categories.set(wanted)
        created[indicator.code] = indicator
    apply_phase_preset(system, plan.phase)
    if plan.phase == Phase.RESULTS:
        raise_satisfaction_weight(plan)
    return system
