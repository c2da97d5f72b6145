"""The public register of the municipality's official accounts: a page, CSV and JSON.

Open to everyone without signing in (records-management plan, citizens looking for public
records). It lists exactly the channels in status "active", at stable URLs.
"""

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, View

from core import csv_export
from governance.models import Municipality

from .models import Channel, ChannelStatus

FIELDS = ["name", "platform", "url", "handle", "owning_unit"]


def register_queryset():
    return (
        Channel.objects.filter(status=ChannelStatus.ACTIVE)
        .select_related("owner_unit")
        .order_by("platform", "name", "id")
    )


def register_rows():
    """One plain dict per official account, in the order of the exports."""
    return [
        {
            "name": channel.name,
            "platform": channel.platform,
            "url": channel.url,
            "handle": channel.handle,
            "owning_unit": channel.owner_unit.name,
        }
        for channel in register_queryset()
    ]


class PublicRegisterView(ListView):
    template_name = "accounts/public_register.html"
    context_object_name = "channels"

    def get_queryset(self):
        return register_queryset()

    def get_context_data(self, **kwargs):
        return super().get_context_data(municipality=Municipality.objects.current(), **kwargs)


class PublicRegisterCsvView(View):
    def get(self, request):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="official-accounts.csv"'
        writer = csv_export.writer(response, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows([row[field] for field in FIELDS] for row in register_rows())
        return response


class PublicRegisterJsonView(View):
    def get(self, request):
        municipality = Municipality.objects.current()
        rows = register_rows()
        return JsonResponse(
            {
                "municipality": municipality.name if municipality else "",
                "title": str(_("Official social-media accounts")),
                "generated_at": timezone.now().isoformat(),
                "count": len(rows),
                "accounts": rows,
            },
            json_dumps_params={"ensure_ascii": False},
        )
