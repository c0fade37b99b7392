from django.core.management.base import BaseCommand

from feedback.services.cases import settle_provisional_deadlines
from feedback.workdays import seed_from_library


class Command(BaseCommand):
    help = (
        "Copy statutory holidays and make-up workdays from the chinese_calendar library into "
        "the calendar table (idempotent; rows amended by staff are kept), then count again "
        "the provisional deadlines of cases and ledger problems in the years now known."
    )

    def handle(self, *args, **options):
        added = seed_from_library()
        settled = settle_provisional_deadlines()
        self.stdout.write(
            self.style.SUCCESS(
                f"已新增 {added} 个节假日/调休日；{settled} 件回访的暂定期限已重算。"
            )
        )
