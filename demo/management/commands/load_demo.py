from django.core.management.base import BaseCommand
from django.db import transaction

from demo import duty as duty_demo
from demo import evidence as evidence_demo
from demo import feedback as feedback_demo
from demo import inspection as inspection_demo
from demo import ledger as ledger_demo
from demo import organisation
from demo import plans as plans_demo
from demo import scores as scores_demo
from demo import signals as signals_demo
from demo import turnaround as turnaround_demo


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
            inspection_demo.load()  # 联检联评 on 2026 Q3 (after its answers are scored)
            plans_demo.publish_due()  # last: freezes the scores as published
            turnaround_demo.load()  # 结果运用 of 2025 and two lagging branches followed up
            duty_demo.load()  # 党组书记, 党组成员, 2025 述职 drafted from the published year
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data loaded."))
        self.stdout.write(f"演示账号 / demo logins (password: {organisation.DEMO_PASSWORD}):")
        for username, scope, _name in organisation.DEMO_LOGINS + duty_demo.DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {scope}")
