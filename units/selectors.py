"""Who may see what in the organisation, decided here once for the web and the API."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from .models import BRANCH_MEMBER_LIMIT, Branch, Role, Unit


@dataclass(frozen=True)
class Scope:
    """The roles a user holds, read once per request."""

    committee: bool = False
    leader: bool = False
    unit_ids: frozenset = field(default_factory=frozenset)  # units the user administers
    branch_ids: frozenset = field(default_factory=frozenset)  # branches the user leads
    # 四级协同, reading only: the units whose 党组书记 the user is, and, as 党组成员, the units
    # they belong to and the branches they answer for.
    party_unit_ids: frozenset = field(default_factory=frozenset)
    member_unit_ids: frozenset = field(default_factory=frozenset)
    member_branch_ids: frozenset = field(default_factory=frozenset)
    # An API token narrowed to one unit: everything above applies within that unit only.
    only_unit_id: int | None = None
    read_only: bool = False

    @property
    def sees_everything(self):
        return (self.committee or self.leader) and self.only_unit_id is None

    @property
    def acts_as_committee(self):
        """Committee powers over every unit: never through a token limited to a unit or reading."""
        return self.committee and self.only_unit_id is None and not self.read_only

    def handles_unit(self, unit_id) -> bool:
        """Whether this scope may act (not only read) on the unit's own business."""
        return not self.read_only and (self.acts_as_committee or unit_id in self.unit_ids)

    @property
    def is_unit_admin(self):
        return bool(self.unit_ids)

    @property
    def is_secretary(self):
        return bool(self.branch_ids)

    @property
    def is_party_secretary(self):
        return bool(self.party_unit_ids)

    @property
    def is_party_member(self):
        return bool(self.member_unit_ids)

    @property
    def reads_unit_ids(self) -> frozenset:
        """Units whose own records (rectification, citizen ratings) this scope reads."""
        return self.unit_ids | self.party_unit_ids | self.member_unit_ids

    @property
    def has_any_role(self):
        return (
            self.sees_everything
            or self.is_unit_admin
            or self.is_secretary
            or self.is_party_secretary
            or self.is_party_member
        )


def scope_of(user) -> Scope:
    if not user.is_authenticated:
        return Scope()
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    committee = leader = False
    unit_ids, branch_ids = set(), set()
    party_unit_ids, member_unit_ids, member_branch_ids = set(), set(), set()
    # One row per (role, responsible branch): the member's branches come in the same query.
    for kind, unit_id, branch_id, member_branch_id in Role.objects.filter(user=user).values_list(
        "kind", "unit_id", "branch_id", "branches"
    ):
        if kind == Role.Kind.COMMITTEE:
            committee = True
        elif kind == Role.Kind.LEADER:
            leader = True
        elif kind == Role.Kind.UNIT_ADMIN:
            unit_ids.add(unit_id)
        elif kind == Role.Kind.SECRETARY:
            branch_ids.add(branch_id)
        elif kind == Role.Kind.PARTY_SECRETARY:
            party_unit_ids.add(unit_id)
        elif kind == Role.Kind.PARTY_MEMBER:
            member_unit_ids.add(unit_id)
            if member_branch_id is not None:
                member_branch_ids.add(member_branch_id)
    scope = Scope(
        committee=committee or user.is_superuser,
        leader=leader,
        unit_ids=frozenset(unit_ids),
        branch_ids=frozenset(branch_ids),
        party_unit_ids=frozenset(party_unit_ids),
        member_unit_ids=frozenset(member_unit_ids),
        member_branch_ids=frozenset(member_branch_ids),
    )
    user._scope_cache = scope
    return scope


def narrow_scope(user, *, unit_id=None, read_only=False) -> Scope:
    """The scope of a user acting through an API token limited to one unit or to reading.

    A leader reads and changes nothing: a leader's token limited to a unit reads that unit
    and stays read-only, whatever the token says."""
    scope = scope_of(user)
    if scope.leader and not scope.committee and unit_id not in scope.unit_ids:
        read_only = True
    if unit_id is not None:
        sees_unit = scope.committee or scope.leader or unit_id in scope.unit_ids
        branch_ids = frozenset(
            Branch.objects.filter(unit_id=unit_id, pk__in=scope.branch_ids).values_list(
                "pk", flat=True
            )
        )
        member_branch_ids = frozenset(
            Branch.objects.filter(unit_id=unit_id, pk__in=scope.member_branch_ids).values_list(
                "pk", flat=True
            )
        )
        scope = Scope(
            committee=scope.committee,
            leader=scope.leader,
            unit_ids=frozenset({unit_id}) if sees_unit else frozenset(),
            branch_ids=branch_ids,
            party_unit_ids=scope.party_unit_ids & {unit_id},
            member_unit_ids=scope.member_unit_ids & {unit_id},
            member_branch_ids=member_branch_ids,
            only_unit_id=unit_id,
        )
    if read_only:
        scope = Scope(
            committee=False,
            leader=scope.leader or scope.committee,
            unit_ids=scope.unit_ids,
            branch_ids=scope.branch_ids,
            party_unit_ids=scope.party_unit_ids,
            member_unit_ids=scope.member_unit_ids,
            member_branch_ids=scope.member_branch_ids,
            only_unit_id=scope.only_unit_id,
            read_only=True,
        )
    user._scope_cache = scope
    return scope


def can_manage(user) -> bool:
    """Committee staff change things; leaders read everything and change nothing."""
    return scope_of(user).acts_as_committee


def may_manage_tokens(user) -> bool:
    """Creating and revoking API tokens: committee staff, never through a token."""
    return scope_of(user).acts_as_committee


def may_import_organisation(user) -> bool:
    return scope_of(user).acts_as_committee


def may_edit_organisation(user) -> bool:
    """Create, change or delete units, branches, categories and groups: committee staff, never
    through a token limited to a unit or reading only."""
    return scope_of(user).acts_as_committee


def may_grant_roles(user) -> bool:
    return scope_of(user).acts_as_committee


def units_visible_to(user) -> QuerySet[Unit]:
    scope = scope_of(user)
    units = Unit.objects.all()
    if scope.sees_everything:
        return units
    if scope.only_unit_id is not None and (scope.committee or scope.leader):
        return units.filter(pk=scope.only_unit_id)
    return units.filter(
        Q(pk__in=scope.reads_unit_ids) | Q(branches__in=scope.branch_ids)
    ).distinct()


def branches_visible_to(user) -> QuerySet[Branch]:
    scope = scope_of(user)
    branches = Branch.objects.all()
    if scope.sees_everything:
        return branches
    if scope.only_unit_id is not None and (scope.committee or scope.leader):
        return branches.filter(unit_id=scope.only_unit_id)
    return branches.filter(
        Q(unit_id__in=scope.unit_ids | scope.party_unit_ids)
        | Q(pk__in=scope.branch_ids | scope.member_branch_ids)
    )


def unit_list(user, *, category=None, group=None, search="", active_only=True):
    units = units_visible_to(user).select_related("category", "group")
    if active_only:
        units = units.filter(active=True)
    if category:
        units = units.filter(category=category)
    if group:
        units = units.filter(group=group)
    if search:
        units = units.filter(Q(name__icontains=search) | Q(short_name__icontains=search))
    visible_branches = branches_visible_to(user).filter(active=True)
    return units.annotate(
        branch_count=Count("branches", filter=Q(branches__in=visible_branches), distinct=True),
        member_total=Sum("branches__member_count", filter=Q(branches__in=visible_branches)),
    ).order_by("category__sort_order", "name")


def branch_list(user, *, unit=None, search="", oversized_only=False):
    branches = (
        branches_visible_to(user).filter(active=True).select_related("unit", "unit__category")
    )
    if unit:
        branches = branches.filter(unit=unit)
    if search:
        branches = branches.filter(Q(name__icontains=search) | Q(secretary_name__icontains=search))
    if oversized_only:
        branches = branches.filter(member_count__gt=BRANCH_MEMBER_LIMIT)
    return branches.order_by("unit__category__sort_order", "unit__name", "name")


def secretaries_by_branch(branch_ids) -> dict:
    """Accounts holding the secretary role, keyed by branch, in one query."""
    result: dict = {}
    for role in Role.objects.filter(
        kind=Role.Kind.SECRETARY, branch_id__in=list(branch_ids)
    ).select_related("user"):
        result.setdefault(role.branch_id, []).append(role.user)
    return result


def party_members_by_branch(branch_ids) -> dict:
    """Active 党组成员 accounts answering for each branch, in one query."""
    result: dict = {}
    for branch_id, user_id in Role.objects.filter(
        kind=Role.Kind.PARTY_MEMBER, branches__in=list(branch_ids), user__is_active=True
    ).values_list("branches", "user_id"):
        result.setdefault(branch_id, set()).add(user_id)
    return result
