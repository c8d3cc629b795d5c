from django.contrib import admin

from .models import DonationFlatValue


@admin.register(DonationFlatValue)
class DonationFlatValueAdmin(admin.ModelAdmin):
    list_display = ("category", "value_eur", "source")
    list_select_related = ("category",)
