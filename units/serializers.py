from rest_framework import serializers

from .models import Branch, CoordinationGroup, Unit, UnitCategory


class UnitCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitCategory
        fields = ["id", "code", "name", "description", "sort_order"]


class CoordinationGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoordinationGroup
        fields = ["id", "name", "description", "sort_order"]


class UnitSerializer(serializers.ModelSerializer):
    party_staff_out_of_range = serializers.BooleanField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "category",
            "group",
            "headcount",
            "party_affairs_staff",
            "active",
            "party_staff_out_of_range",
        ]


class BranchSerializer(serializers.ModelSerializer):
    over_member_limit = serializers.BooleanField(read_only=True)

    class Meta:
        model = Branch
        fields = [
            "id",
            "unit",
            "name",
            "secretary_name",
            "member_count",
            "active",
            "over_member_limit",
        ]
