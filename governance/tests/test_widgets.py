"""The template-free widgets give the same markup as Django's own, with every value escaped."""

import re

import pytest
from django import forms

from governance.widgets import FastCheckbox, FastSelect

CHOICES = [("", "Alle"), (1, "Kultur & fritid"), (2, '<script>alert("x")</script>'), (3, "Teknik")]


def _tight(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


class Plain(forms.Form):
    choice = forms.TypedChoiceField(choices=CHOICES, coerce=int, required=False)
    flag = forms.BooleanField(required=False)


class Fast(forms.Form):
    choice = forms.TypedChoiceField(choices=CHOICES, coerce=int, required=False, widget=FastSelect)
    flag = forms.BooleanField(required=False, widget=FastCheckbox)


@pytest.mark.parametrize(
    "data",
    [None, {"choice": "2", "flag": "on"}, {"choice": "", "flag": ""}, {"choice": "nonsense"}],
)
def test_fast_widgets_render_what_django_renders(data):
    for name in ("choice", "flag"):
        plain, fast = Plain(data)[name], Fast(data)[name]
        attrs = {"class": "form-select", "aria-describedby": "hint"}
        assert _tight(fast.as_widget(attrs=attrs)) == _tight(plain.as_widget(attrs=attrs))


def test_labels_and_values_are_escaped():
    html = str(Fast({"choice": "2"})["choice"])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<option value="2" selected>' in html
    assert html.count(" selected") == 1


def test_option_groups_are_refused():
    widget = FastSelect(choices=[("Gruppe", [(1, "En")])])
    with pytest.raises(TypeError):
        widget.render("x", None)
