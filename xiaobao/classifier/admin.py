from django.contrib import admin
from django.http import HttpRequest

from xiaobao.classifier.models import ClassifierModel


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    """Versions are made by train_classifier and never edited: the admin only shows them."""

    list_display = ("name", "version", "created", "n_texts", "trained_from")
    list_filter = ("name",)
    readonly_fields = ("name", "version", "created", "created_by", "labels", "metrics", "trained_from", "n_texts")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ClassifierModel | None = None) -> bool:
        return False
