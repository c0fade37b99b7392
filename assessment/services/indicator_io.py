"""Export a whole indicator system to .xlsx and import one back as a new version.

A bad file imports nothing: every row with a problem is named by its line, and a file whose
rows are each fine but whose tree is not (weights that do not sum to 100 %, a dimension
under an item …) is refused with the same row-named explanations.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from units.export_safety import neutralise_dataset
from units.importing import (
    ImportOutcome,
    RowProblem,
    data_lines,
    import_all_or_nothing,
    read_dataset,
)

from ..models import AnnualPlan, IndicatorSystem
from ..resources import IndicatorResource
from .indicators import build_tree, ensure_may_edit, flatten, next_version, validate_system

REQUIRED_HEADERS = ("编码", "上级编码", "名称", "类型", "满分", "权重（%）", "频次")


def export_system(system: IndicatorSystem, file_format="xlsx"):
    """The system's rows in tree order (parents first), as .xlsx bytes or CSV text."""
    items = [node.item for node in flatten(build_tree(system))]
    dataset = neutralise_dataset(IndicatorResource(system=system).export(items))
    dataset.title = f"{system.plan.year}-v{system.version}"
    return dataset.export(file_format)


def import_system(
    plan: AnnualPlan, uploaded_file, *, by, note=""
) -> tuple[ImportOutcome, IndicatorSystem | None]:
    """Import a spreadsheet as the plan's next version. All or nothing; raises
    units.importing.ImportFileError when the file as a whole cannot be read."""
    ensure_may_edit(by)
    dataset = read_dataset(uploaded_file, required_headers=REQUIRED_HEADERS)
    if not len(dataset):
        return ImportOutcome(problems=[RowProblem(1, _("文件中没有任何指标行。"))]), None
    with transaction.atomic():
        system = IndicatorSystem.objects.create(
            plan=plan,
            version=next_version(plan),
            note=note or _("由 Excel 导入：%(name)s") % {"name": uploaded_file.name[:120]},
        )
        outcome = import_all_or_nothing(IndicatorResource(system=system), dataset)
        if outcome.ok:
            lines = dict(zip(map(str, dataset["编码"]), data_lines(dataset), strict=True))
            for fault in validate_system(system):
                outcome.problems.append(RowProblem(lines.get(fault.code, 1), fault.message))
            outcome.problems.sort(key=lambda p: p.line)
        if not outcome.ok:
            transaction.set_rollback(True)
            return outcome, None
    return outcome, system
