"""units.bulk: many new rows in one pass (COPY on PostgreSQL, INSERTs elsewhere), values
kept exactly, whatever characters they hold."""

import pytest
from django.db import connection

from tests.factories import UnitFactory
from units.bulk import insert_rows, prepared
from units.models import Branch, UnitCategory

pytestmark = pytest.mark.django_db


def test_rows_keep_tabs_newlines_backslashes_and_chinese():
    fields = [f for f in UnitCategory._meta.concrete_fields if not f.primary_key]
    assert [f.name for f in fields] == ["name", "code", "description", "sort_order"]
    insert_rows(
        UnitCategory,
        fields,
        [("窗口\t服务", "window", "第一行\n第二行\\N", 1), ("综合类", "general", "", 2)],
    )
    stored = dict(UnitCategory.objects.values_list("code", "description"))
    assert UnitCategory.objects.get(code="window").name == "窗口\t服务"
    assert stored == {"window": "第一行\n第二行\\N", "general": ""}


def test_prepared_rows_store_what_save_would():
    unit = UnitFactory()
    fields = [f for f in Branch._meta.concrete_fields if not f.primary_key]
    new = Branch(unit=unit, name="新建党支部", member_count=12)
    insert_rows(Branch, fields, [prepared(new, fields, connection)])
    stored = Branch.objects.get(name="新建党支部")
    assert (stored.unit_id, stored.member_count, stored.active) == (unit.pk, 12, True)


def test_more_rows_than_one_statement_holds():
    fields = [f for f in UnitCategory._meta.concrete_fields if not f.primary_key]
    insert_rows(UnitCategory, fields, [(f"类别{n}", f"c{n}", "", n) for n in range(1200)])
    assert UnitCategory.objects.filter(code__startswith="c").count() == 1200
