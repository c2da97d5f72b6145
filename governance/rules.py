"""Permission rules for the organisation itself."""

from core.permissions import register


def _member(access, obj=None):
    return access.is_member


def _comms(access, obj=None):
    return access.sees_everything


register("governance.view_dashboard", _member)
register("governance.view_organisation", _member)
register("governance.manage_organisation", _comms)


def _comms_lead(access, obj=None):
    """The communications lead (and the system administrator) set the municipality up: its
    details, its organisation tree and its people."""
    return access.is_comms_lead


register("governance.manage_settings", _comms_lead)


def _own_token(access, obj=None):
    """Every member makes and revokes their own API tokens, and nobody else's."""
    return access.is_member and (obj is None or obj.user_id == access.user_id)


register("governance.manage_own_tokens", _own_token)


# --- Policies and guidelines. Everyone in the organisation reads the guidelines in force and
# confirms them; the communications team owns the policy: drafts, edits, adopts and follows up.
def _policy_visible(access, obj=None):
    """Members see adopted and superseded versions; drafts only the communications team."""
    if not access.is_member:
        return False
    if obj is not None and getattr(obj, "status", None) == "draft":
        return access.sees_everything
    return True


register("governance.read_guidelines", _member)
register("governance.confirm_reading", _member)
register("governance.view_policy", _policy_visible)
register("governance.manage_policy", _comms)
register("governance.view_read_status", _comms)
register("governance.remind_readers", _comms)
