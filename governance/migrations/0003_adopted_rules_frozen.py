"""The database refuses to change the rules of an adopted or superseded policy version: its
answer-time rules, removal reasons, sections and values, its inactivity limit, and its way back
to a draft.
Items name the version they were judged by; its rules must stay what they were (see
PolicyVersion.require_draft). Deleting is left to the application: deleting a whole policy
removes its versions' rules with it."""

from django.db import migrations

RULE_TABLES = (
    "governance_answertimerule",
    "governance_removalreason",
    "governance_policysection",
    "governance_communicationvalue",
)
NOT_A_DRAFT = (
    "EXISTS (SELECT 1 FROM governance_policyversion"
    " WHERE id IN (OLD.version_id, NEW.version_id) AND status <> 'draft')"
)
VERSION_RULES_CHANGED = (
    "OLD.status <> 'draft'"
    " AND (NEW.status = 'draft' OR NEW.inactivity_limit_days IS DISTINCT FROM"
    " OLD.inactivity_limit_days)"
)

MESSAGE = "the rules of an adopted or superseded policy version cannot change"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION governance_frozen_rule_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%: {MESSAGE}', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    # A row trigger's WHEN cannot run a query in PostgreSQL: the version is looked up here.
    f"""
    CREATE OR REPLACE FUNCTION governance_frozen_rule_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF {NOT_A_DRAFT} THEN
            RAISE EXCEPTION '%: {MESSAGE}', TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table}
        FOR EACH ROW EXECUTE FUNCTION governance_frozen_rule_check()
        """
        for table in RULE_TABLES
    ),
    f"""
    CREATE TRIGGER governance_policyversion_frozen BEFORE UPDATE ON governance_policyversion
    FOR EACH ROW WHEN ({VERSION_RULES_CHANGED})
    EXECUTE FUNCTION governance_frozen_rule_refuse()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS governance_policyversion_frozen ON governance_policyversion",
    *(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}" for table in RULE_TABLES),
    "DROP FUNCTION IF EXISTS governance_frozen_rule_check()",
    "DROP FUNCTION IF EXISTS governance_frozen_rule_refuse()",
]

SQLITE = [
    *(
        f"""
        CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table}
        WHEN {NOT_A_DRAFT}
        BEGIN SELECT RAISE(ABORT, '{table}: {MESSAGE}'); END
        """
        for table in RULE_TABLES
    ),
    f"""
    CREATE TRIGGER governance_policyversion_frozen BEFORE UPDATE ON governance_policyversion
    WHEN {VERSION_RULES_CHANGED.replace("IS DISTINCT FROM", "IS NOT")}
    BEGIN SELECT RAISE(ABORT, 'governance_policyversion: {MESSAGE}'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS governance_policyversion_frozen",
    *(f"DROP TRIGGER IF EXISTS {table}_frozen" for table in RULE_TABLES),
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_policy_guidelines")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
