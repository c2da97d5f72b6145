"""The canned answers' settings pages (under /governance/settings/canned-answers/): the list
with a form for a new one, editing one, deleting one. The communications lead manages them;
writes go through `actions`, placeholders are checked by `canned.placeholder_errors`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.permissions.views import ActionRequiredMixin
from governance.models import Municipality

from .. import actions
from ..canned import PLACEHOLDERS
from ..forms import CannedAnswerForm
from ..models import CannedAnswer

MANAGE = "governance.manage_settings"


def _answers(municipality):
    return CannedAnswer.objects.filter(municipality=municipality).order_by(
        "language", "platform", "order", "title"
    )


class CannedAnswersView(ActionRequiredMixin, TemplateView):
    """The list and the form for a new canned answer (POST creates it)."""

    permission_action = MANAGE
    template_name = "moderation/settings/canned_answers.html"

    def get_context_data(self, **kwargs):
        return {
            "answers": _answers(Municipality.objects.current()),
            "form": CannedAnswerForm(),
            "placeholders": PLACEHOLDERS,
            **kwargs,
        }

    def post(self, request):
        form = CannedAnswerForm(request.POST)
        if form.is_valid():
            try:
                actions.create_canned_answer(
                    Municipality.objects.current(), acting_user=request.user, **form.cleaned_data
                )
            except actions.ActionError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("The canned answer is saved."))
                return redirect("settings-canned-answers")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CannedAnswerEditView(ActionRequiredMixin, TemplateView):
    permission_action = MANAGE
    template_name = "moderation/settings/canned_answer_edit.html"
    model = CannedAnswer

    def get_object(self):
        municipality = Municipality.objects.current()
        return get_object_or_404(_answers(municipality), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        answer = self.get_object()
        initial = {name: getattr(answer, name) for name in actions.CANNED_FIELDS}
        return {
            "answer": answer,
            "form": CannedAnswerForm(initial=initial),
            "placeholders": PLACEHOLDERS,
            **kwargs,
        }

    def post(self, request, pk):
        answer = self.get_object()
        form = CannedAnswerForm(request.POST)
        if form.is_valid():
            try:
                actions.update_canned_answer(answer, acting_user=request.user, **form.cleaned_data)
            except actions.ActionError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("The canned answer is saved."))
                return redirect("settings-canned-answers")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CannedAnswerDeleteView(ActionRequiredMixin, TemplateView):
    permission_action = MANAGE
    http_method_names = ["post"]
    model = CannedAnswer

    def post(self, request, pk):
        answer = get_object_or_404(_answers(Municipality.objects.current()), pk=pk)
        actions.delete_canned_answer(answer, acting_user=request.user)
        messages.success(request, _("The canned answer is deleted."))
        return redirect("settings-canned-answers")
