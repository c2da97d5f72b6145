"""System checks for the registry: a configured platform API version that the platform no longer
serves, or that the version table cannot date, is reported at startup."""

from django.core.checks import Tags, Warning, register

from platforms.versions import VersionState


@register(Tags.compatibility)
def api_versions(app_configs, **kwargs):
    from .api_versions import configured_versions

    problems = []
    for row in configured_versions():
        if not row.setting:
            continue
        if row.state == VersionState.RETIRED:
            problems.append(
                Warning(
                    f"{row.setting}={row.version} ended on {row.ends.isoformat()}: "
                    "the platform no longer serves it.",
                    hint=f"Set {row.setting} to a current version, e.g. {row.suggested}.",
                    obj=row.setting,
                    id="accounts.W001",
                )
            )
        elif row.state == VersionState.UNKNOWN:
            problems.append(
                Warning(
                    f"{row.setting}={row.version} is not in platforms/versions.py, so nobody is "
                    "warned before it ends.",
                    hint=f"Use a listed version, e.g. {row.suggested}, or add its dates there.",
                    obj=row.setting,
                    id="accounts.W002",
                )
            )
    return problems
