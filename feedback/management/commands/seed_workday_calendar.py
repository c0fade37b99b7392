from django.core.management.base import BaseCommand

from feedback.workdays import seed_from_library


class Command(BaseCommand):
    help = (
        "Copy statutory holidays and make-up workdays from the chinese_calendar library into "
        "the calendar table (idempotent; rows amended by staff are kept)."
    )

    def handle(self, *args, **options):
        added = seed_from_library()
        self.stdout.write(self.style.SUCCESS(f"已新增 {added} 个节假日/调休日。"))
