"""Spreadsheet import and export of the organisation, with Chinese column headers.

Rows are matched on natural keys (category code, group name, unit slug, unit + branch
name), so exporting a file and importing it again changes nothing.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from .models import Branch, CoordinationGroup, Unit, UnitCategory


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a readable field, failing with a message staff understand.

    A LookupResource resolves the whole column in one query before the rows are imported
    (``load``): a query per row made large imports crawl.
    """

    def __init__(self, model, field, label, required=True):
        super().__init__(model, field=field)
        self.label = label
        self.required = required
        self.known = None

    def load(self, values):
        keys = {str(value).strip() for value in values if value not in (None, "")}
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        self.known = {str(getattr(obj, self.field)): obj for obj in found}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.required:
                raise ValueError(_("“%(label)s”不能为空。") % {"label": self.label})
            return None
        if self.known is None:
            raise RuntimeError("LookupWidget used outside a LookupResource: nothing loaded")
        try:
            return self.known[str(value).strip()]
        except KeyError as exc:
            raise ValueError(
                _("“%(label)s”中的“%(value)s”不存在。") % {"label": self.label, "value": value}
            ) from exc


class StrictIntegerWidget(widgets.IntegerWidget):
    def __init__(self, label):
        super().__init__(coerce_to_string=False)  # numbers stay numbers in .xlsx
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return 0
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                _("“%(label)s”应为整数，实际为“%(value)s”。")
                % {"label": self.label, "value": value}
            ) from exc
        if number != int(number) or number < 0:
            raise ValueError(
                _("“%(label)s”应为非负整数，实际为“%(value)s”。")
                % {"label": self.label, "value": value}
            )
        return int(number)


class YesNoWidget(widgets.BooleanWidget):
    TRUE_VALUES = ["1", 1, True, "true", "TRUE", "True", "是", "启用"]
    FALSE_VALUES = ["0", 0, False, "false", "FALSE", "False", "否", "停用"]

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return True
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        raise ValueError(_("“启用”应填“是”或“否”，实际为“%(value)s”。") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class LookupResource(resources.ModelResource):
    """Loads what each LookupWidget column names once per import, before the rows."""

    class Meta:
        abstract = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        for field in self.get_import_fields():
            if isinstance(field.widget, LookupWidget) and field.column_name in dataset.headers:
                field.widget.load(dataset[field.column_name])


class ChineseResource(LookupResource):
    """Shared behaviour: skip unchanged rows so a round trip reports no change."""

    class Meta:
        abstract = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._meta.skip_unchanged = True
        self._meta.report_skipped = True
        self._meta.clean_model_instances = True


class UnitCategoryResource(ChineseResource):
    code = fields.Field("code", column_name="代码")
    name = fields.Field("name", column_name="名称")
    description = fields.Field("description", column_name="说明")
    sort_order = fields.Field("sort_order", column_name="排序", widget=StrictIntegerWidget("排序"))

    class Meta:
        model = UnitCategory
        import_id_fields = ["code"]
        fields = ["code", "name", "description", "sort_order"]


class CoordinationGroupResource(ChineseResource):
    name = fields.Field("name", column_name="名称")
    description = fields.Field("description", column_name="说明")
    sort_order = fields.Field("sort_order", column_name="排序", widget=StrictIntegerWidget("排序"))

    class Meta:
        model = CoordinationGroup
        import_id_fields = ["name"]
        fields = ["name", "description", "sort_order"]


class UnitResource(ChineseResource):
    slug = fields.Field("slug", column_name="标识")
    name = fields.Field("name", column_name="单位名称")
    short_name = fields.Field("short_name", column_name="简称")
    category = fields.Field(
        "category", column_name="分类", widget=LookupWidget(UnitCategory, "name", "分类")
    )
    group = fields.Field(
        "group",
        column_name="协作组",
        widget=LookupWidget(CoordinationGroup, "name", "协作组", required=False),
    )
    headcount = fields.Field(
        "headcount", column_name="在编人数", widget=StrictIntegerWidget("在编人数")
    )
    party_affairs_staff = fields.Field(
        "party_affairs_staff",
        column_name="党务干部人数",
        widget=StrictIntegerWidget("党务干部人数"),
    )
    active = fields.Field("active", column_name="启用", widget=YesNoWidget())

    class Meta:
        model = Unit
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "short_name",
            "category",
            "group",
            "headcount",
            "party_affairs_staff",
            "active",
        ]


class BranchResource(ChineseResource):
    unit = fields.Field(
        "unit", column_name="单位标识", widget=LookupWidget(Unit, "slug", "单位标识")
    )
    name = fields.Field("name", column_name="支部名称")
    secretary_name = fields.Field("secretary_name", column_name="支部书记")
    member_count = fields.Field(
        "member_count", column_name="党员人数", widget=StrictIntegerWidget("党员人数")
    )
    active = fields.Field("active", column_name="启用", widget=YesNoWidget())

    class Meta:
        model = Branch
        import_id_fields = ["unit", "name"]
        fields = ["unit", "name", "secretary_name", "member_count", "active"]

    def get_queryset(self):
        return Branch.objects.select_related("unit")


# Order matters for a first import: categories and groups before the units that name them.
RESOURCES = {
    "categories": (UnitCategoryResource, gettext_lazy("单位分类")),
    "groups": (CoordinationGroupResource, gettext_lazy("协作组")),
    "units": (UnitResource, gettext_lazy("机关单位")),
    "branches": (BranchResource, gettext_lazy("党支部")),
}
