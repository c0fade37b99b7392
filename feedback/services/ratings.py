"""Taking in ratings from every channel, moderating them and revealing contacts."""

import secrets
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.errors import NotAllowed

from .. import privacy, selectors
from ..dates import received_on_problem
from ..models import (
    LEVEL_SCORES,
    Channel,
    ContactViewLog,
    DimensionRating,
    EvaluatorKind,
    Moderation,
    ModerationDecision,
    Rating,
)
from . import abuse, cases

# No 0/O, 1/I/L: a receipt read aloud over the phone or copied by hand stays right.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 10


def new_receipt() -> str:
    # One draw over all 31^10 receipts, written in base 31: uniform like ten secrets.choice
    # calls, at a fifth of the cost (an import draws thousands).
    number = secrets.randbelow(len(RECEIPT_ALPHABET) ** RECEIPT_LENGTH)
    digits = []
    for _i in range(RECEIPT_LENGTH):
        number, digit = divmod(number, len(RECEIPT_ALPHABET))
        digits.append(RECEIPT_ALPHABET[digit])
    return "".join(digits)


@dataclass
class RatingInput:
    unit: object
    level: str
    comment: str = ""
    dimensions: dict | None = None  # RatingDimension -> level
    contact_name: str = ""
    contact_phone: str = ""
    contact_consent: bool = False
    channel: str = Channel.ONLINE
    evaluator_kind: str = EvaluatorKind.CITIZEN
    received_on: object = None
    survey_batch: str = ""


def submit_public_rating(data: RatingInput, *, address: str) -> Rating:
    """A citizen's rating from the web form.

    Raises abuse.RateLimited (with the reason for the citizen) when the source is over
    its limit; everything else that is accepted is stored, at worst marked as a duplicate
    or flagged for moderation.
    """
    source = privacy.source_hash(address)
    abuse.check_rate_limit(source)
    # The rating is its own record of its creation (receipt, time, channel, hashed source);
    # the audit log follows what staff change afterwards (contacts, moderation, exclusion).
    # One INSERT fewer on the public form, which takes hundreds a second at peak.
    with disable_auditlog():
        return _store(data, source=source, entered_by=None)


class RatingRefused(ValueError):
    """The rating cannot be stored as given; the message says why."""


def record_offline_rating(data: RatingInput, *, user) -> Rating:
    """A rating received by letter, box, phone, visit, supervisor or survey, entered by staff."""
    if not selectors.may_moderate(user):
        raise NotAllowed
    if data.channel == Channel.ONLINE:
        raise ValueError("offline entry needs an offline channel")
    if data.received_on is not None:
        problem = received_on_problem(data.received_on, timezone.localdate())
        if problem:
            raise RatingRefused(problem)
    return _store(data, source="", entered_by=user)


def _store(data: RatingInput, *, source: str, entered_by) -> Rating:
    for _attempt in range(5):
        receipt = new_receipt()
        try:
            with transaction.atomic():
                return _store_once(data, receipt=receipt, source=source, entered_by=entered_by)
        except IntegrityError:
            # Retried as a whole rather than behind a savepoint: that would cost two more
            # statements on every rating for a collision that 31^10 makes vanishingly rare.
            if not Rating.objects.filter(receipt=receipt).exists():
                raise
    raise RuntimeError("could not allocate a receipt number")


def _store_once(data: RatingInput, *, receipt: str, source: str, entered_by) -> Rating:
    now = timezone.now()
    seen = abuse.screen(source=source, unit_id=data.unit.pk, level=data.level, now=now)
    flag_reason = _("短时间内同一等级集中来自少数来源") if seen.burst else ""
    phone = privacy.normalise_phone(data.contact_phone)
    rating = Rating.objects.create(
        receipt=receipt,
        unit=data.unit,
        level=data.level,
        score=LEVEL_SCORES[data.level],
        channel=data.channel,
        evaluator_kind=data.evaluator_kind,
        comment=data.comment,
        received_on=data.received_on or timezone.localdate(now),
        contact_name_encrypted=privacy.encrypt(data.contact_name),
        contact_phone_encrypted=privacy.encrypt(phone),
        contact_name_masked=privacy.mask_name(data.contact_name),
        contact_phone_masked=privacy.mask_phone(phone),
        contact_consent=data.contact_consent,
        source_hash=source,
        duplicate_of_id=seen.original_id,
        moderation=Moderation.PENDING if seen.burst else Moderation.NONE,
        flag_reason=flag_reason,
        entered_by=entered_by,
        survey_batch=data.survey_batch,
    )
    if data.dimensions:
        DimensionRating.objects.bulk_create(
            DimensionRating(rating=rating, dimension=dimension, level=level)
            for dimension, level in data.dimensions.items()
            if level
        )
    if seen.unflagged:
        abuse.burst_members(unit_id=data.unit.pk, level=data.level, now=now).filter(
            moderation=Moderation.NONE
        ).update(moderation=Moderation.PENDING, flag_reason=flag_reason)
    if rating.is_bad and seen.original_id is None:
        cases.open_case(rating)
    return rating


def moderate(rating: Rating, *, user, decision: str, reason: str) -> Rating:
    """Clear a flagged rating into the index or reject it; the reason is recorded."""
    if not selectors.may_moderate(user):
        raise NotAllowed
    if decision not in (Moderation.CLEARED, Moderation.REJECTED):
        raise ValueError(decision)
    if not reason.strip():
        raise ValueError(_("请填写审核理由。"))
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if rating.moderation != Moderation.PENDING:
            raise ValueError(_("这条评价不在待审核状态。"))
        rating.moderation = decision
        rating.save(update_fields=["moderation"])
        ModerationDecision.objects.create(
            rating=rating, decision=decision, reason=reason.strip(), decided_by=user
        )
        if decision == Moderation.REJECTED and hasattr(rating, "case"):
            cases.withdraw_if_open(rating.case, user=user, note=_("审核不通过：") + reason)
    return rating


def reveal_contact(rating: Rating, *, user) -> dict:
    """The citizen's full name and phone for the staff handling the follow-up; logged."""
    if not selectors.may_act_for_rating(user, rating):
        raise NotAllowed
    ContactViewLog.objects.create(rating=rating, viewer=user)
    return {
        "name": privacy.decrypt(rating.contact_name_encrypted),
        "phone": privacy.decrypt(rating.contact_phone_encrypted),
    }
