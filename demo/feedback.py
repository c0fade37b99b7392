"""Demo citizen ratings: a realistic spread per unit over the year so far, bad ratings with
follow-up cases (some answered, one overdue), a flagged burst, an appeal and a publication.

Idempotent: ratings are created once (marked by their survey batch) and reused after.
"""

import datetime
import random

from django.utils import timezone

from feedback import privacy
from feedback.models import (
    LEVEL_SCORES,
    Channel,
    EvaluatorKind,
    Level,
    Moderation,
    Publication,
    Rating,
)
from feedback.services import cases, publication
from feedback.services.ratings import new_receipt
from feedback.workdays import seed_from_library
from units.models import Unit, User

DEMO_BATCH = "演示数据"
# Units serving the public directly get more ratings and a slightly worse mix.
VOLUME = {"zwfw": 60, "scjg": 45, "rst": 40, "jyt": 35}
COMMENTS_GOOD = [
    "窗口工作人员很耐心，一次就办好了。",
    "材料清单讲得清楚，不用来回跑。",
    "网上预约方便，现场不用排队。",
    "工作人员主动帮忙填表，服务热情。",
    "",
    "",
]
COMMENTS_BAD = [
    "电话一直打不通，咨询的问题没人答复。",
    "同一个材料要求提交了三次，希望一次性告知。",
    "办事指南和窗口说法不一致，白跑一趟。",
    "审批时间比承诺的长了一周，也没有说明原因。",
]
NAMES = ["王女士", "李先生", "张先生", "刘女士", "陈先生"]
CHANNEL_MIX = [Channel.ONLINE] * 8 + [
    Channel.PHONE,
    Channel.LETTER,
    Channel.SUGGESTION_BOX,
    Channel.VISIT,
    Channel.SUPERVISOR,
]


def load():
    seed_from_library()
    if Rating.objects.filter(survey_batch=DEMO_BATCH).exists():
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    span = (today - start).days or 1
    committee = User.objects.filter(username="committee").first()
    unitadmin = User.objects.filter(username="unitadmin").first()
    created = []
    for unit in Unit.objects.filter(active=True).order_by("slug"):
        count = VOLUME.get(unit.slug, 18 if unit.slug != "fgw" else 26)
        weights = [38, 34, 16, 8, 4] if unit.slug not in VOLUME else [30, 32, 20, 12, 6]
        for index in range(count):
            level = rng.choices(list(Level), weights=weights)[0]
            channel = rng.choice(CHANNEL_MIX)
            kind = EvaluatorKind.CITIZEN
            if channel == Channel.SUPERVISOR:
                kind = rng.choice([EvaluatorKind.DEPUTY, EvaluatorKind.DISCIPLINE])
            bad = level in (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
            phone = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}" if bad else ""
            name = rng.choice(NAMES) if bad else ""
            received = start + datetime.timedelta(days=rng.randint(0, span))
            rating = Rating.objects.create(
                unit=unit,
                receipt=new_receipt(),
                level=level,
                score=LEVEL_SCORES[level],
                channel=channel,
                evaluator_kind=kind,
                comment=rng.choice(COMMENTS_BAD if bad else COMMENTS_GOOD),
                received_on=received,
                contact_name_encrypted=privacy.encrypt(name),
                contact_phone_encrypted=privacy.encrypt(phone),
                contact_name_masked=privacy.mask_name(name),
                contact_phone_masked=privacy.mask_phone(phone),
                contact_consent=bool(phone),
                source_hash=privacy.source_hash(f"demo-{unit.slug}-{index}")
                if channel == Channel.ONLINE
                else "",
                entered_by=None if channel == Channel.ONLINE else committee,
                survey_batch=DEMO_BATCH,
            )
            created.append(rating)
            if bad:
                case = cases.open_case(rating)
                # Older cases are mostly answered; the most recent stay open.
                if committee and (today - received).days > 20 and rng.random() < 0.8:
                    actor = unitadmin if unit.slug == "fgw" and unitadmin else committee
                    cases.reply(
                        case,
                        user=actor,
                        text="您好，感谢您的反馈。我们已核实情况，对相关工作人员进行了提醒谈话，"
                        "并已优化办事指南，欢迎您继续监督。",
                    )
                    if rng.random() < 0.6:
                        cases.record_fix(
                            case,
                            user=actor,
                            text="已修订办事指南并在窗口公示，组织窗口人员培训一次。",
                        )
                        # Staff have verified most fixes older than six weeks (销号); chosen
                        # without the random stream so the rest of the demo stays the same.
                        if (today - received).days > 42 and index % 5:
                            cases.close(case, user=committee, note="回访核实，群众认可整改结果。")
    # A burst from one source: five 非常不满意 in an hour, waiting in the moderation queue.
    zwfw = Unit.objects.filter(slug="zwfw").first()
    if zwfw:
        source = privacy.source_hash("demo-burst")
        first = None
        for _i in range(5):
            rating = Rating.objects.create(
                unit=zwfw,
                receipt=new_receipt(),
                level=Level.VERY_DISSATISFIED,
                score=20,
                channel=Channel.ONLINE,
                comment="",
                received_on=today,
                source_hash=source,
                duplicate_of=first,
                moderation=Moderation.PENDING,
                flag_reason="短时间内同一等级集中来自少数来源",
                survey_batch=DEMO_BATCH,
            )
            if first is None:
                first = rating
                cases.open_case(rating)
    if unitadmin:
        bad_fgw = (
            Rating.objects.filter(unit__slug="fgw", case__status="open", survey_batch=DEMO_BATCH)
            .order_by("received_on")
            .first()
        )
        if bad_fgw:
            cases.file_appeal(
                bad_fgw,
                user=unitadmin,
                reason="mistaken",
                explanation="所反映的不动产登记事项属自然资源部门职责，非本单位办理事项。",
            )


SURVEY_BATCH = "演示第三方问卷"
# Units the survey left out: their published figures say 样本不足.
NOT_SURVEYED = {"zrzyt", "zzb"}
SURVEY_SIZE = 24


def published_quarter(today) -> tuple[str, datetime.date, datetime.date]:
    """The last complete quarter before today: (label, first day, last day)."""
    quarter = (today.month - 1) // 3  # complete quarters of this year
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = (
        datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    ) - datetime.timedelta(days=1)
    names = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
    return f"{year}年{names[quarter]}", first, last


def load_survey():
    """A third-party survey in the published quarter, so that most units have a sample
    large enough to publish; two units are left out and show 样本不足."""
    if Rating.objects.filter(survey_batch=SURVEY_BATCH).exists():
        return
    committee = User.objects.filter(username="committee").first()
    if committee is None:
        return
    rng = random.Random(2027)
    _label, first, last = published_quarter(timezone.localdate())
    span = (last - first).days
    for unit in Unit.objects.filter(active=True).exclude(slug__in=NOT_SURVEYED).order_by("slug"):
        for _index in range(SURVEY_SIZE):
            level = rng.choices(list(Level), weights=[36, 36, 18, 7, 3])[0]
            rating = Rating.objects.create(
                unit=unit,
                receipt=new_receipt(),
                level=level,
                score=LEVEL_SCORES[level],
                channel=Channel.SURVEY,
                evaluator_kind=rng.choice([EvaluatorKind.CITIZEN, EvaluatorKind.ENTERPRISE]),
                comment="",
                received_on=first + datetime.timedelta(days=rng.randint(0, span)),
                entered_by=committee,
                survey_batch=SURVEY_BATCH,
            )
            if rating.is_bad:
                cases.reply(
                    cases.open_case(rating),
                    user=committee,
                    text="感谢参与问卷调查。已将意见转交单位核实改进。",
                )


def publish_results():
    """The committee publishes the last complete quarter's satisfaction."""
    committee = User.objects.filter(username="committee").first()
    if committee is None or Publication.objects.exists():
        return
    label, first, last = published_quarter(timezone.localdate())
    publication.publish(user=committee, label=label, date_from=first, date_to=last)
