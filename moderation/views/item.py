"""An item's page: what it shows comes from `moderation.item_page`, its forms are built here.
The actions posted from it are in `item_actions`."""

from __future__ import annotations

from django.views.generic import TemplateView

from core import csp
from core.permissions.views import ActionRequiredMixin

from ..forms import (
    AssignForm,
    CloseForm,
    ForwardForm,
    NoteForm,
    ReasonForm,
    RecordForm,
    ReplyForm,
    SendBackForm,
    TellAuthorForm,
)
from ..item_page import forward_initial, item_page_data, visible_item
from ..routing import Suggestion, suggest_departments


class ItemDetailView(ActionRequiredMixin, TemplateView):
    permission_action = "moderation.view_item"
    template_name = "moderation/item_detail.html"

    def get_permission_object(self):
        self.object = visible_item(self.request.user, self.kwargs["pk"])
        return self.object

    def get_context_data(self, **kwargs):
        return item_context(self.request, self.object, **kwargs)

    def render_to_response(self, context, **kwargs):
        return with_post_pictures(super().render_to_response(context, **kwargs))


# The platforms' picture servers: the thread's post shows its picture from there (Facebook's
# `full_picture`, Instagram's `media_url`/`thumbnail_url`, YouTube's thumbnails).
POST_PICTURE_SOURCES = "https://*.fbcdn.net https://*.cdninstagram.com https://i.ytimg.com"


def with_post_pictures(response):
    """The item page's policy: the site's own, with pictures also from the platforms."""
    response.headers[csp.HEADER] = csp.build(img_src=f"'self' data: {POST_PICTURE_SOURCES}")
    return response


def item_context(request, item, *, forms=None, error=None, **extra):
    """Everything the item page shows; `forms` replaces blank forms after a refused post."""
    data = item_page_data(request.user, item, draft_of=request.GET.get("draft"))
    return {**data, "error": error, **item_forms(item, data, forms or {}), **extra}


def item_forms(item, data, forms):
    """The page's forms: blank ones with their starting values, or the refused one as posted."""
    reasons = data["reasons"]
    # Only those who may forward the item see the forward dialog and its suggestion.
    suggestions = suggest_departments(item, limit=1) if data["may_handle"] else []
    suggestion = suggestions[0] if suggestions else None
    # A rule's suggestion comes before the topics': a person wrote it for such items.
    rule_forward = data.get("rule_forward")
    if rule_forward is not None and data["may_handle"]:
        suggestion = Suggestion(rule_forward.detail["unit"], rule_forward.unit, 0.0, [])
        suggestion.rule = rule_forward.rule.name
    return {
        "reply_form": forms.get("reply") or ReplyForm(initial=data["reply_initial"]),
        "forward_form": forms.get("forward")
        or ForwardForm(item=item, initial=forward_initial(item, suggestion), prefix="forward"),
        "routing_suggestion": suggestion,
        "close_form": forms.get("close") or CloseForm(prefix="close"),
        "assign_form": forms.get("assign")
        or AssignForm(item=item, initial={"to_user": item.assigned_to_id}, prefix="assign"),
        "hide_form": forms.get("hide") or ReasonForm(reasons=reasons, prefix="hide"),
        "delete_form": forms.get("delete") or ReasonForm(reasons=reasons, prefix="delete"),
        "tell_form": forms.get("tell") or TellAuthorForm(reasons=reasons, prefix="tell"),
        "note_form": NoteForm(),
        "record_form": forms.get("record") or RecordForm(prefix="record"),
        "send_back_form": forms.get("send_back") or SendBackForm(),
    }
