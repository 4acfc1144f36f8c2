"""Read serializers of units for API v1."""

from rest_framework import serializers

from .models import Group, Unit


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "code", "name", "order", "active"]


class UnitSerializer(serializers.ModelSerializer):
    group_code = serializers.CharField(source="group.code", read_only=True)
    parent_code = serializers.CharField(
        source="parent.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "group_code",
            "parent_code",
            "active_from_year",
            "active_to_year",
            "order",
        ]
