"""The period grade (Note, NotePoids), and its freezing in the database: a finalised note refuses UPDATE and
DELETE, and its weights refuse INSERT, UPDATE and DELETE (as migration 0002 for validated bilans). Cloning the
template schema copies the function and the triggers into each new establishment."""

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models

FONCTION = """
CREATE FUNCTION bilans_note_fige() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cible bigint;
BEGIN
    IF TG_TABLE_NAME = 'bilans_note' THEN
        IF OLD.finalisee_le IS NULL THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
    ELSE
        cible := CASE WHEN TG_OP = 'INSERT' THEN NEW.note_id ELSE OLD.note_id END;
        IF NOT EXISTS (SELECT 1 FROM bilans_note WHERE id = cible AND finalisee_le IS NOT NULL)
           AND (TG_OP <> 'UPDATE' OR NOT EXISTS (SELECT 1 FROM bilans_note
                                                 WHERE id = NEW.note_id AND finalisee_le IS NOT NULL)) THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
    END IF;
    RAISE EXCEPTION 'Une note de période enregistrée ne se modifie pas : refaites-la.'
        USING ERRCODE = 'restrict_violation';
END
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('bilans', '0002_bilan_fige'),
        ('referentiels', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Note',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valeur_calculee', models.DecimalField(decimal_places=2, max_digits=4, verbose_name='note calculée')),
                ('ajustement', models.DecimalField(decimal_places=1, default=0, max_digits=3)),
                ('justification', models.TextField(blank=True)),
                ('note_finale', models.DecimalField(blank=True, decimal_places=2, max_digits=4, null=True, verbose_name='note finale')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finalisee_le', models.DateTimeField(blank=True, null=True, verbose_name='enregistrée le')),
                ('bilan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notes', to='bilans.bilan')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('finalisee_par', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistrée par')),
                ('remplace', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='remplace_par', to='bilans.note')),
            ],
            options={
                'verbose_name': 'note de période',
                'verbose_name_plural': 'notes de période',
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='NotePoids',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('poids', models.DecimalField(decimal_places=2, max_digits=5)),
                ('competence', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='referentiels.competence')),
                ('note', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='poids', to='bilans.note')),
            ],
            options={
                'verbose_name': "poids d'une compétence",
                'verbose_name_plural': 'poids des compétences',
                'ordering': ['id'],
            },
        ),
        migrations.AddConstraint(
            model_name='note',
            constraint=models.UniqueConstraint(condition=models.Q(('finalisee_le__isnull', True)), fields=('bilan',), name='note_une_proposition_par_bilan'),
        ),
        migrations.AddConstraint(
            model_name='note',
            constraint=models.CheckConstraint(condition=models.Q(('valeur_calculee__gte', 0), ('valeur_calculee__lte', 20)), name='note_calculee_sur_20'),
        ),
        migrations.AddConstraint(
            model_name='note',
            constraint=models.CheckConstraint(condition=models.Q(('ajustement__gte', -2), ('ajustement__lte', 2)), name='note_ajustement_2_points'),
        ),
        migrations.AddConstraint(
            model_name='note',
            constraint=models.CheckConstraint(condition=models.Q(('ajustement', 0), models.Q(('justification', ''), _negated=True), _connector='OR'), name='note_ajustement_justifie'),
        ),
        migrations.AddConstraint(
            model_name='note',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('ajustement', 0), ('finalisee_le__isnull', True), ('finalisee_par__isnull', True), ('justification', ''), ('note_finale__isnull', True)), models.Q(('finalisee_le__isnull', False), ('finalisee_par__isnull', False), ('note_finale__isnull', False)), _connector='OR'), name='note_finale_datee_et_signee'),
        ),
        migrations.AddConstraint(
            model_name='note',
            constraint=models.CheckConstraint(condition=models.Q(('note_finale__isnull', True), ('note_finale', django.db.models.functions.comparison.Greatest(models.Value(0), django.db.models.functions.comparison.Least(models.Value(20), django.db.models.expressions.CombinedExpression(models.F('valeur_calculee'), '+', models.F('ajustement'))), output_field=models.DecimalField())), _connector='OR'), name='note_finale_calculee_plus_ajustement'),
        ),
        migrations.AddConstraint(
            model_name='notepoids',
            constraint=models.UniqueConstraint(fields=('note', 'competence'), name='note_poids_competence_unique'),
        ),
        migrations.AddConstraint(
            model_name='notepoids',
            constraint=models.CheckConstraint(condition=models.Q(('poids__gte', 0), ('poids__lte', 100)), name='note_poids_pourcentage'),
        ),
        migrations.RunSQL(
            sql=[
                FONCTION,
                "CREATE TRIGGER bilans_note_fige BEFORE UPDATE OR DELETE ON bilans_note "
                "FOR EACH ROW EXECUTE FUNCTION bilans_note_fige();",
                "CREATE TRIGGER bilans_notepoids_fige BEFORE INSERT OR UPDATE OR DELETE ON bilans_notepoids "
                "FOR EACH ROW EXECUTE FUNCTION bilans_note_fige();",
            ],
            reverse_sql=[
                "DROP TRIGGER bilans_notepoids_fige ON bilans_notepoids;",
                "DROP TRIGGER bilans_note_fige ON bilans_note;",
                "DROP FUNCTION bilans_note_fige();",
            ],
        ),
    ]
