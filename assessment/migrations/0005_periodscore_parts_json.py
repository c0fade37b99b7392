"""Score parts move from the ScorePart long table into a JSON column on PeriodScore: one row
per score instead of ~16 to write on every recompute and to read on every page."""

from collections import defaultdict

from django.db import migrations, models


def parts_to_json(apps, schema_editor):
    PeriodScore = apps.get_model("assessment", "PeriodScore")
    ScorePart = apps.get_model("assessment", "ScorePart")
    parts = defaultdict(lambda: {"standard": [], "goal": [], "dimension": []})
    rows = ScorePart.objects.order_by("score_id", "axis", "code").values_list(
        "score_id", "axis", "code", "label", "points", "max_points"
    )
    for score_id, axis, code, label, points, max_points in rows.iterator(chunk_size=5000):
        parts[score_id][axis].append([code, label, str(points), str(max_points)])
    changed = []
    for score in PeriodScore.objects.filter(pk__in=list(parts)).only("pk").iterator(2000):
        score.parts = parts[score.pk]
        changed.append(score)
    PeriodScore.objects.bulk_update(changed, ["parts"], batch_size=500)


def json_to_parts(apps, schema_editor):
    PeriodScore = apps.get_model("assessment", "PeriodScore")
    ScorePart = apps.get_model("assessment", "ScorePart")
    ScorePart.objects.bulk_create(
        (
            ScorePart(
                score_id=score.pk,
                axis=axis,
                code=code,
                label=label,
                points=points,
                max_points=max_points,
            )
            for score in PeriodScore.objects.only("pk", "parts").iterator(2000)
            for axis, entries in (score.parts or {}).items()
            for code, label, points, max_points in entries
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0004_gradingrule_periodscore_scorepart_scoresnapshot_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="periodscore",
            name="parts",
            field=models.JSONField(blank=True, default=dict, verbose_name="分项得分"),
        ),
        migrations.RunPython(parts_to_json, json_to_parts),
        migrations.DeleteModel(name="ScorePart"),
    ]
