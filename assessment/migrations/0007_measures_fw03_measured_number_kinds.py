"""FW03 群众满意度, typed by units, becomes the platform-measured 群众回访件办结率 (satisfaction
counts once, as the composites' satisfaction term; docs/scoring.md), and every reported
number declares its kind. Submissions and their history are kept as they are: typed FW03
values stay on record; later figures are written by the measurement service."""

from django.db import migrations

FW03 = {
    "name": "群众回访件办结率",
    "measure": "case_closure",
    "number_label": "办结率（%）",
    "number_kind": "percentage",
    "requires_text": False,
    "description": "依据 000 §二(三)六“服务群众细致入微”；§三(五)“请人民评判”。",
    "evidence_guide": "系统取数：本半年群众评议转成的回访件中已办结的百分比（0–100），"
    "单位无需填写；群众满意度本身只作为半年和年度总分的满意度一项计入，不在此重复计分。",
}
OLD_FW03 = {"name": "群众满意度", "number_label": "满意率（%）"}


def forwards(apps, schema_editor):
    Indicator = apps.get_model("assessment", "Indicator")
    Indicator.objects.filter(code="FW03", measure="", **OLD_FW03).update(**FW03)
    numbered = Indicator.objects.filter(requires_number=True, number_kind="")
    for indicator in numbered.only("pk", "number_label"):
        label = indicator.number_label
        share = "%" in label or "率" in label
        Indicator.objects.filter(pk=indicator.pk).update(
            number_kind="percentage" if share else "count",
            number_max=None if share else 100,
        )


def backwards(apps, schema_editor):
    Indicator = apps.get_model("assessment", "Indicator")
    Indicator.objects.filter(code="FW03", measure="case_closure", name=FW03["name"]).update(
        measure="", requires_text=False, **OLD_FW03
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0006_measures_measured_items_number_kinds")]

    operations = [migrations.RunPython(forwards, backwards)]
