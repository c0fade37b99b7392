"""Import: a 10,000-row .xlsx of survey ratings through the real third-party import service
vs openpyxl reading the same file alone."""

from __future__ import annotations

import datetime as dt
import io
import random
import time

from bench.measure import figure, skipped

LEVEL_LABELS = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
KIND_LABELS = ["群众", "服务对象企业", "人大代表和政协委员"]


def survey_xlsx(slugs: list[str], rows: int, seed: int = 9) -> bytes:
    from openpyxl import Workbook

    from feedback.resources import SURVEY_HEADERS

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(SURVEY_HEADERS)
    day0 = dt.date(2026, 1, 1)
    for n in range(rows):
        sheet.append(
            [
                slugs[n % len(slugs)],
                rng.choices(LEVEL_LABELS, weights=[45, 35, 12, 6, 2])[0],
                rng.choice(KIND_LABELS),
                day0 + dt.timedelta(days=rng.randrange(300)),
                rng.choice(["", "", "办事方便", "希望进一步简化材料"]),
            ]
        )
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def openpyxl_read(content: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    count = sum(1 for _row in book.active.iter_rows(values_only=True))
    book.close()
    return count


def import_figures(ds, rows: int = 10_000, repeats: int = 3) -> list[dict]:
    """The best of `repeats` runs for the import and for its baseline alike, each run on a
    different file (the same rows imported again would add nothing): on a shared machine
    one run of either can be slowed by a neighbour."""
    name = "import.survey_xlsx"
    try:
        from feedback.services.importing import import_survey
    except ImportError as exc:
        return [skipped(name, f"feedback import service not importable: {exc}")]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from feedback.models import Rating
    from units.models import Unit, User

    slugs = list(Unit.objects.order_by("pk").values_list("slug", flat=True))
    user = User.objects.get(username=ds.committee)
    floor = seconds = float("inf")
    for run in range(repeats):
        content = survey_xlsx(slugs, rows, seed=9 + run)
        openpyxl_read(content)  # warm
        start = time.perf_counter()
        read = openpyxl_read(content)
        floor = min(floor, time.perf_counter() - start)
        before = Rating.objects.count()
        upload = SimpleUploadedFile(
            "survey.xlsx",
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        start = time.perf_counter()
        outcome = import_survey(upload, batch=f"基准测试批次{run + 1}", user=user)
        seconds = min(seconds, time.perf_counter() - start)
        stored = Rating.objects.count() - before
        ok = getattr(outcome, "ok", None)
        if stored != rows:
            return [
                skipped(name, f"import stored {stored} of {rows} rows (ok={ok}): see the outcome")
            ]
    return [
        figure(
            name,
            seconds,
            "s",
            baseline="openpyxl reading the same file alone (read-only mode)",
            baseline_value=floor,
            target="≤ 3×",
            met=seconds <= 3 * floor,
            rows=rows,
            rows_read_by_openpyxl=read - 1,
            rows_per_s=round(rows / seconds),
            ratings_stored=stored,
            runs=repeats,
        )
    ]
