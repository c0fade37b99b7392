from django.core.management.base import BaseCommand
from django.db import transaction

from demo import evidence as evidence_demo
from demo import feedback as feedback_demo
from demo import ledger as ledger_demo
from demo import organisation
from demo import plans as plans_demo
from demo import scores as scores_demo
from demo import signals as signals_demo


class Command(BaseCommand):
    help = "Load the demo committee (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        with transaction.atomic():
            organisation.load()
            plans_demo.load()
            evidence_demo.load()
            signals_demo.load()  # 形式主义预警: copies, a shared file, a burst
            feedback_demo.load()
            feedback_demo.load_survey()
            feedback_demo.publish_results()
            ledger_demo.load()  # 整改台账: every source, measures, overdue, one reopened
            scores_demo.load()  # scores every plan from the answers above
            plans_demo.publish_due()  # last: freezes the scores as published
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data loaded."))
        self.stdout.write(f"演示账号 / demo logins (password: {organisation.DEMO_PASSWORD}):")
        for username, scope, _name in organisation.DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {scope}")
