"""A validated bilan is frozen in the database too: its row and its lines refuse UPDATE and DELETE, and no line
is added to it. Unqualified names land in the schema being migrated; cloning the template schema copies the
function and the triggers into each new establishment (as evaluations' migration 0001)."""

from django.db import migrations

FONCTION = """
CREATE FUNCTION bilans_bilan_fige() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cible bigint;
BEGIN
    IF TG_TABLE_NAME = 'bilans_bilan' THEN
        IF OLD.validated_at IS NULL THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
    ELSE
        cible := CASE WHEN TG_OP = 'INSERT' THEN NEW.bilan_id ELSE OLD.bilan_id END;
        IF NOT EXISTS (SELECT 1 FROM bilans_bilan WHERE id = cible AND validated_at IS NOT NULL)
           AND (TG_OP <> 'UPDATE' OR NOT EXISTS (SELECT 1 FROM bilans_bilan
                                                 WHERE id = NEW.bilan_id AND validated_at IS NOT NULL)) THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
    END IF;
    RAISE EXCEPTION 'Un bilan validé ne se modifie pas : créez un nouveau bilan.'
        USING ERRCODE = 'restrict_violation';
END
$$;
"""


class Migration(migrations.Migration):

    dependencies = [("bilans", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=[
                FONCTION,
                "CREATE TRIGGER bilans_bilan_fige BEFORE UPDATE OR DELETE ON bilans_bilan "
                "FOR EACH ROW EXECUTE FUNCTION bilans_bilan_fige();",
                "CREATE TRIGGER bilans_bilanligne_fige BEFORE INSERT OR UPDATE OR DELETE ON bilans_bilanligne "
                "FOR EACH ROW EXECUTE FUNCTION bilans_bilan_fige();",
            ],
            reverse_sql=[
                "DROP TRIGGER bilans_bilanligne_fige ON bilans_bilanligne;",
                "DROP TRIGGER bilans_bilan_fige ON bilans_bilan;",
                "DROP FUNCTION bilans_bilan_fige();",
            ],
        ),
    ]
