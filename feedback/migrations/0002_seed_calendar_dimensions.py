from decimal import Decimal

from django.db import migrations

DIMENSIONS = [
    ("attitude", "服务态度", 1),
    ("efficiency", "办事效率", 2),
    ("integrity", "廉洁自律", 3),
    ("initiative", "担当作为", 4),
]
WEIGHTS = [
    ("citizen", "1.00"),
    ("enterprise", "1.00"),
    ("superior", "1.50"),
    ("deputy", "1.50"),
    ("discipline", "1.50"),
    ("petition", "1.20"),
]


def seed(apps, schema_editor):
    from feedback.workdays import seed_from_library

    seed_from_library(model=apps.get_model("feedback", "CalendarDay"))
    Dimension = apps.get_model("feedback", "RatingDimension")
    for code, name, order in DIMENSIONS:
        Dimension.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    Weight = apps.get_model("feedback", "EvaluatorWeight")
    for kind, weight in WEIGHTS:
        Weight.objects.get_or_create(kind=kind, defaults={"weight": Decimal(weight)})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
