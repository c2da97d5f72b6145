"""The listening pages: the overview with each stream's volume and most engaged posts, the
stream form, and promoting a post to the queue. Rules in rules.py; writes through actions.py."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from core.permissions import can
from core.permissions.views import ActionRequiredMixin

from . import actions, page
from .forms import StreamForm
from .models import ListeningHit, ListeningStream


class ListeningView(ActionRequiredMixin, TemplateView):
    permission_action = "listening.view"
    template_name = "listening/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["panels"] = page.panels(user)
        context["budgets"] = page.budgets()
        context["may_manage"] = can(user, "listening.manage")
        context["may_promote"] = can(user, "listening.promote")
        return context


class StreamFormView(ActionRequiredMixin, FormView):
    permission_action = "listening.manage"
    template_name = "listening/stream_form.html"
    form_class = StreamForm

    def get_stream(self):
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_stream"):
            self._stream = get_object_or_404(
                ListeningStream.objects.for_user(self.request.user), pk=self.kwargs["pk"]
            )
        return self._stream

    def get_permission_object(self):
        # Refused people are refused as such (403), not told the stream is missing.
        if not can(self.request.user, self.permission_action):
            return None
        return self.get_stream()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_stream()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stream = self.get_stream()
        context["stream"] = stream
        context["heading"] = (
            _("Change the stream %(name)s") % {"name": stream.name}
            if stream
            else _("New listening stream")
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        stream = self.get_stream()
        try:
            if stream is None:
                stream = actions.create_stream(acting_user=self.request.user, **data)
            else:
                stream = actions.change_stream(stream, acting_user=self.request.user, **data)
        except actions.ListeningError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The stream %(name)s is saved.") % {"name": stream.name})
        return redirect(reverse("listening:overview") + f"#stream-{stream.pk}")


class PromoteView(ActionRequiredMixin, TemplateView):
    """POST only: put one found post into the queue."""

    permission_action = "listening.promote"
    http_method_names = ["post"]

    def get_hit(self):
        if not hasattr(self, "_hit"):
            self._hit = get_object_or_404(
                ListeningHit.objects.for_user(self.request.user), pk=self.kwargs["pk"]
            )
        return self._hit

    def get_permission_object(self):
        if not can(self.request.user, self.permission_action):
            return None
        return self.get_hit()

    def post(self, request, *args, **kwargs):
        hit = self.get_hit()
        try:
            item = actions.promote(hit, acting_user=request.user)
        except actions.ListeningError as error:
            messages.error(request, str(error))
            return redirect(reverse("listening:overview") + f"#stream-{hit.stream_id}")
        except ListeningHit.DoesNotExist:
            raise Http404 from None
        messages.success(request, _("The post is in the queue now."))
        return redirect("moderation:item-detail", pk=item.pk)
