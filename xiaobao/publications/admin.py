from django.contrib import admin

from xiaobao.publications.models import Publication, PublicationEvent


class PublicationEventInline(admin.TabularInline):
    model = PublicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    # Drafting, publishing and withdrawing go through the review page, which keeps the record; here it is read-only.
    list_display = ["number", "title", "status", "published_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Publication._meta.fields]
    inlines = [PublicationEventInline]

    def has_add_permission(self, request):
        return False
