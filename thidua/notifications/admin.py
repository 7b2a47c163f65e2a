from django.contrib import admin

from .models import Notification, OutgoingEmail, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["subject", "to", "created_at", "attempts", "sent_at", "last_error"]


admin.site.register(Preference)
