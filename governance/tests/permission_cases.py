"""Permission-matrix cases for the shell: dashboard, the API's own routes."""

from django.urls import reverse

from governance.testing import Case, expect

CASES = [
    Case("dashboard", lambda org: reverse("dashboard"), expect(200, anonymous=302, outsider=403)),
    Case("api-me", lambda org: reverse("api-me"), expect(200, anonymous=403, outsider=403)),
    Case("api-root", lambda org: reverse("api-root"), expect(200, anonymous=403, outsider=403)),
    # The schema and its docs page describe the API, not its data: open to all.
    Case("api-schema", lambda org: reverse("api-schema"), expect(200)),
    Case("api-docs", lambda org: reverse("api-docs"), expect(200)),
]
