from django.db import transaction

from units.errors import NotAllowed
from units.models import Unit
from units.selectors import scope_of

from ..models import Publication, PublishedFigure
from ..selectors import reply_rate_by_unit, satisfaction


def publish(
    *,
    user,
    label,
    date_from,
    date_to,
    category=None,
    show_score=True,
    show_share=True,
    show_reply_rate=True,
) -> Publication:
    """Freeze the chosen figures for the period; the public page shows only these."""
    if not scope_of(user).committee:
        raise NotAllowed
    units = Unit.objects.filter(active=True)
    if category:
        units = units.filter(category=category)
    unit_ids = list(units.values_list("pk", flat=True))
    figures = satisfaction(date_from, date_to, unit_ids)
    replies = reply_rate_by_unit(date_from, date_to, unit_ids)
    with transaction.atomic():
        publication = Publication.objects.create(
            label=label,
            date_from=date_from,
            date_to=date_to,
            category=category,
            show_score=show_score,
            show_share=show_share,
            show_reply_rate=show_reply_rate,
            published_by=user,
        )
        PublishedFigure.objects.bulk_create(
            PublishedFigure(
                publication=publication,
                unit_id=unit_id,
                sample=figures[unit_id].sample,
                sufficient=figures[unit_id].sufficient,
                score=figures[unit_id].value,
                satisfied_share=(
                    figures[unit_id].satisfied_share if figures[unit_id].sufficient else None
                ),
                reply_rate=replies.get(unit_id, (0, 0, None))[2],
            )
            for unit_id in unit_ids
        )
    return publication


def withdraw(publication: Publication, *, user) -> None:
    if not scope_of(user).committee:
        raise NotAllowed
    publication.withdrawn = True
    publication.save(update_fields=["withdrawn"])
