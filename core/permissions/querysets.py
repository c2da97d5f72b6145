"""`restrict(user, action)` on querysets (NetBox's idea): the objects `user` may do `action` to.

A page, an API detail or an action view fetches its object through the same restricted
queryset its list uses, so "may see it" and "is in the list" cannot drift apart. A model's
queryset names which of its rules depend on the object (`scoped_actions`: action -> the scoping
method, such as `for_user`) and which hold for all its objects or none (`whole_set_actions`,
answered by the rule registry). Any other action is refused loudly rather than guessed.
"""

from django.core.exceptions import ImproperlyConfigured

from . import can


class RestrictQuerySetMixin:
    scoped_actions: dict = {}
    whole_set_actions: frozenset = frozenset()

    def restrict(self, user, action):
        """The objects of this queryset `user` may do `action` to."""
        method = self.scoped_actions.get(action)
        if method is not None:
            return getattr(self, method)(user)
        if action in self.whole_set_actions:
            return self if can(user, action) else self.none()
        raise ImproperlyConfigured(f"{self.model.__name__} cannot be restricted for {action!r}.")
