from django.core.management.base import BaseCommand, CommandError

from assessment.models import AnnualPlan
from assessment.services.indicator_template import load_template
from assessment.services.indicators import build_tree, flatten, validate_system


class Command(BaseCommand):
    help = (
        "Build the default 四个模范/六实 indicator system for an annual plan, as the plan's next "
        "version (version 1 on a plan without one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="the plan's year, e.g. 2026")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the plan already has a system (for repeatable setups)",
        )

    def handle(self, *args, plan, if_empty=False, **options):
        try:
            annual = AnnualPlan.objects.get(year=plan)
        except AnnualPlan.DoesNotExist as exc:
            raise CommandError(f"没有 {plan} 年度计划 / no annual plan for {plan}") from exc
        if if_empty and annual.systems.exists():
            self.stdout.write(f"{plan} 年已有指标体系，未改动 / already has a system.")
            return
        system = load_template(annual, by=None)  # the operator: the platform itself
        nodes = flatten(build_tree(system))
        scored = [n for n in nodes if n.item.kind != "dimension"]
        total = sum(n.effective for n in nodes if n.depth == 0)
        faults = validate_system(system)
        self.stdout.write(
            self.style.SUCCESS(
                f"{plan} 年指标体系第 {system.version} 版：{len(scored)} 项指标，基础分 {total}，"
                f"校验问题 {len(faults)} 处。"
            )
        )
        for fault in faults:
            self.stdout.write(f"  {fault.code} {fault.message}")
