"""Template loading that renders each run of constant template nodes once per language.

Most of a page's template is fixed text, `{% translate "…" %}`, `{% url "name" %}` and
`{% static "path" %}` with literal arguments: the same output for every request in the same
language. Django renders them again on every request (a catalogue lookup per string, a URL
resolver walk per link). This loader wraps Django's cached loader: when a template is loaded,
every run of consecutive constant nodes in it (in every block, branch and loop body) becomes one
`FoldedNode`, which renders its nodes the first time it is asked in a given language and
returns that text afterwards.

Only nodes whose output cannot depend on the context are folded: text, comments, `{% load %}`,
`{% translate %}`, `{% blocktranslate %}`, `{% url %}` and `{% static %}` with only literal
arguments and no `as` variable, and simple tags without arguments declared to depend on the
language alone (`ui.per_language`: the page's language code, the language picker). A node of
any other kind, or with a variable or filter anywhere, stays as it is. The memo is keyed by
everything those nodes read besides the context: the active language, autoescaping, the script
prefix, the URLconf and the current application namespace; and it is dropped whenever a
setting changes (tests).
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Node, NodeList, TextNode, TokenType, Variable
from django.template.defaulttags import CommentNode, LoadNode, URLNode
from django.template.library import SimpleNode
from django.template.loaders import cached
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import mark_safe

_generation = 0


@receiver(setting_changed)
def _forget_folded(**kwargs):
    global _generation
    _generation += 1


def _literal(expression) -> bool:
    """Whether a filter expression is a literal without filters (no context read)."""
    if expression is None:
        return True
    if not isinstance(expression, FilterExpression) or expression.filters:
        return False
    if not expression.is_var:
        return True
    return isinstance(expression.var, Variable) and expression.var.lookups is None


def _text_only(tokens) -> bool:
    return all(token.token_type == TokenType.TEXT for token in tokens or ())


def is_constant(node) -> bool:
    """Whether `node` renders the same text for every context (in one language)."""
    kind = type(node)
    if kind in (TextNode, CommentNode, LoadNode):
        return True
    if kind is TranslateNode:
        return (
            node.asvar is None
            and _literal(node.filter_expression)
            and _literal(node.message_context)
        )
    if kind is BlockTranslateNode:
        return (
            node.asvar is None
            and not node.extra_context
            and node.countervar is None
            and node.plural is None
            and _text_only(node.singular)
            and _literal(node.message_context)
        )
    if kind is URLNode:
        return (
            node.asvar is None
            and _literal(node.view_name)
            and all(_literal(arg) for arg in node.args)
            and all(_literal(value) for value in node.kwargs.values())
        )
    if kind is StaticNode:
        return node.varname is None and _literal(node.path)
    if kind is SimpleNode:
        # A tag declared to depend on the language alone (governance.templatetags.ui).
        return (
            getattr(node.func, "constant_per_language", False)
            and not node.takes_context
            and not node.args
            and not node.kwargs
            and node.target_var is None
        )
    return False


def _current_app(context):
    request = getattr(context, "request", None)
    if request is None:
        return None
    current = getattr(request, "current_app", None)
    if current is not None:
        return current
    match = getattr(request, "resolver_match", None)
    return match.namespace if match is not None else None


class FoldedNode(Node):
    """Consecutive constant nodes, rendered once per language and URL setting."""

    child_nodelists = ()

    def __init__(self, nodes):
        self.nodes = NodeList(nodes)
        self.token = nodes[0].token
        self.origin = getattr(nodes[0], "origin", None)
        self.rendered = {}
        self.generation = _generation

    def __repr__(self):
        return f"<FoldedNode: {len(self.nodes)} nodes>"

    def render(self, context):
        if self.generation != _generation:
            # A setting changed since: forget what was rendered under the old one.
            self.rendered, self.generation = {}, _generation
        # The key is worked out once per render (kept on the context) unless the language or
        # autoescaping changed on the way ({% language %}, {% autoescape %}).
        language = translation.get_language()
        key = getattr(context, "_folding_key", None)
        if key is None or key[0] != language or key[1] != context.autoescape:
            key = context._folding_key = (
                language,
                context.autoescape,
                get_script_prefix(),
                get_urlconf(),
                _current_app(context),
            )
        text = self.rendered.get(key)
        if text is None:
            text = self.rendered[key] = mark_safe(self.nodes.render(context))
        return text


def _fold_run(run, out):
    # A lone text node is already as cheap as it gets.
    if len(run) == 1 and type(run[0]) is TextNode:
        out.append(run[0])
    else:
        out.append(FoldedNode(run))


def fold(nodelist) -> None:
    """Fold the constant runs of `nodelist`, and of every node list inside it, in place."""
    out, run = [], []
    for node in nodelist:
        if is_constant(node):
            run.append(node)
            continue
        if run:
            _fold_run(run, out)
            run = []
        branches = getattr(node, "conditions_nodelists", None)
        if branches is not None:
            # {% if %}: its `nodelist` is a fresh list of every branch; fold the branches.
            for _condition, children in branches:
                fold(children)
        else:
            for name in node.child_nodelists:
                children = getattr(node, name, None)
                if children is not None:
                    fold(children)
        out.append(node)
    if run:
        _fold_run(run, out)
    nodelist[:] = out


class Loader(cached.Loader):
    """Django's cached template loader, folding each template once when it is first loaded."""

    def get_template(self, template_name, skip=None):
        template = super().get_template(template_name, skip)
        if not getattr(template, "_folded", False):
            fold(template.nodelist)
            template._folded = True
        return template
