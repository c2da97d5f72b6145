"""Mounted at /governance/. The governance pages (namespace "governance") live under
/guidelines/, in `governance.guideline_urls`, so the reading view has the short address staff
link to from the intranet; this module keeps no routes of its own."""

urlpatterns: list = []
