"""manage.py recompute_scores --plan 2026: recompute every period of a plan (or of all)."""

from django.core.management.base import BaseCommand, CommandError

from assessment.models import AnnualPlan
from assessment.scoring import engine


class Command(BaseCommand):
    help = "Recompute scores, ranks, grades and tiers of a plan (or every plan)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="The plan's year, e.g. 2026.")
        parser.add_argument("--all", action="store_true", help="Every plan.")

    def handle(self, *args, plan=None, all=False, **options):
        if plan is None and not all:
            raise CommandError("Give --plan YEAR or --all.")
        plans = AnnualPlan.objects.order_by("year")
        if plan is not None:
            plans = plans.filter(year=plan)
            if not plans.exists():
                raise CommandError(f"No annual plan for {plan}.")
        for item in plans:
            written = engine.recompute_plan(item)
            self.stdout.write(f"{item.year}: {written} score rows")
