from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .validators import count_limit, reject_formula

# Health signals from the seeds (002 §二(五)).
BRANCH_MEMBER_LIMIT = 100
PARTY_STAFF_MIN_RATIO = Decimal("0.01")
PARTY_STAFF_MAX_RATIO = Decimal("0.02")


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.get_full_name() or self.username


class UnitCategory(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True, validators=[reject_formula])
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    description = models.CharField(
        _("说明"), max_length=200, blank=True, validators=[reject_formula]
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("单位分类")
        verbose_name_plural = _("单位分类")

    def __str__(self):
        return self.name


class CoordinationGroup(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True, validators=[reject_formula])
    description = models.CharField(
        _("说明"), max_length=200, blank=True, validators=[reject_formula]
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("党建工作协作组")
        verbose_name_plural = _("党建工作协作组")

    def __str__(self):
        return self.name


class Unit(models.Model):
    name = models.CharField(_("单位名称"), max_length=100, unique=True, validators=[reject_formula])
    short_name = models.CharField(_("简称"), max_length=30, validators=[reject_formula])
    slug = models.SlugField(_("标识"), max_length=50, unique=True)
    category = models.ForeignKey(
        UnitCategory, on_delete=models.PROTECT, related_name="units", verbose_name=_("分类")
    )
    group = models.ForeignKey(
        CoordinationGroup,
        on_delete=models.PROTECT,  # a group with units is in use (409 in_use), not emptied
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("协作组"),
    )
    headcount = models.PositiveIntegerField(_("在编人数"), default=0, validators=[count_limit])
    party_affairs_staff = models.PositiveIntegerField(
        _("党务干部人数"), default=0, validators=[count_limit]
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["category__sort_order", "name"]
        verbose_name = _("机关单位")
        verbose_name_plural = _("机关单位")

    def __str__(self):
        return self.name

    @property
    def party_staff_ratio(self):
        if not self.headcount:
            return None
        return Decimal(self.party_affairs_staff) / Decimal(self.headcount)

    @property
    def party_staff_percent(self):
        ratio = self.party_staff_ratio
        return None if ratio is None else ratio * 100

    @property
    def party_staff_out_of_range(self):
        ratio = self.party_staff_ratio
        if ratio is None:
            return False
        return not (PARTY_STAFF_MIN_RATIO <= ratio <= PARTY_STAFF_MAX_RATIO)


class Branch(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="branches", verbose_name=_("所属单位")
    )
    name = models.CharField(_("支部名称"), max_length=100, validators=[reject_formula])
    secretary_name = models.CharField(
        _("支部书记"), max_length=50, blank=True, validators=[reject_formula]
    )
    member_count = models.PositiveIntegerField(_("党员人数"), default=0, validators=[count_limit])
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["unit__name", "name"]
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="branch_unique_name_in_unit",
                violation_error_message=_("该单位已有同名的党支部。"),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def over_member_limit(self):
        return self.member_count > BRANCH_MEMBER_LIMIT


class Role(models.Model):
    """One role a person holds. A person may hold several (四级协同)."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("工委工作人员")
        LEADER = "leader", _("领导")
        UNIT_ADMIN = "unit_admin", _("单位管理员")
        SECRETARY = "secretary", _("支部书记")
        PARTY_SECRETARY = "party_secretary", _("党组书记")
        PARTY_MEMBER = "party_member", _("党组成员")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("用户")
    )
    kind = models.CharField(_("角色"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党支部"),
    )
    # 党组成员 (一岗双责): the branches of the unit this member answers for.
    branches = models.ManyToManyField(
        Branch,
        blank=True,
        related_name="responsible_roles",
        verbose_name=_("分管党支部"),
        help_text=_("仅党组成员：其分管的本单位党支部。"),
    )

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_kind",
                condition=(
                    Q(kind__in=["committee", "leader"], unit__isnull=True, branch__isnull=True)
                    | Q(
                        kind__in=["unit_admin", "party_secretary", "party_member"],
                        unit__isnull=False,
                        branch__isnull=True,
                    )
                    | Q(kind="secretary", unit__isnull=True, branch__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(kind__in=["committee", "leader"]),
                name="role_unique_global",
            ),
            models.UniqueConstraint(
                fields=["user", "unit"], condition=Q(kind="unit_admin"), name="role_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "unit"],
                condition=Q(kind__in=["party_secretary", "party_member"]),
                name="role_unique_party_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "branch"], condition=Q(kind="secretary"), name="role_unique_branch"
            ),
        ]

    def __str__(self):
        scope = self.branch or self.unit
        return f"{self.get_kind_display()} {scope}" if scope else self.get_kind_display()


class ApiToken(models.Model):
    """A token for another system or a secretary's tool. Acts as its user, optionally
    narrowed to one unit and to reading only. Only a hash of the key is stored."""

    name = models.CharField(_("用途"), max_length=100)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("代表用户")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("限定单位"),
        help_text=_("留空表示与该用户的权限范围相同。"),
    )
    read_only = models.BooleanField(_("只读"), default=True)
    prefix = models.CharField(_("前缀"), max_length=8, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("有效期至"))
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
