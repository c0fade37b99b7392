import factory
from factory.django import DjangoModelFactory

from units.models import Branch, CoordinationGroup, Role, Unit, UnitCategory, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("Test-pass-2026")


class UnitCategoryFactory(DjangoModelFactory):
    class Meta:
        model = UnitCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"分类{n}")


class CoordinationGroupFactory(DjangoModelFactory):
    class Meta:
        model = CoordinationGroup

    name = factory.Sequence(lambda n: f"第{n}协作组")


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"省测试厅{n}")
    short_name = factory.Sequence(lambda n: f"测试厅{n}")
    slug = factory.Sequence(lambda n: f"unit-{n}")
    category = factory.SubFactory(UnitCategoryFactory)
    headcount = 200
    party_affairs_staff = 3


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"第{n}党支部")
    secretary_name = "王书记"
    member_count = 30


def user_with_role(kind, *, unit=None, branch=None, **fields):
    user = UserFactory(**fields)
    Role.objects.create(user=user, kind=kind, unit=unit, branch=branch)
    return user
