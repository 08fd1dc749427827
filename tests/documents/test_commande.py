"""`manage.py render_document SCHEMA KIND --learner EMAIL|INE --output PATH`: the learner's document, now, in a
file; a clear French error and a non-zero exit for an unknown establishment, kind or learner, or nothing to print."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from scolarite.models import Apprenant


def test_it_renders_the_learners_document_to_the_file(w, tmp_path, capsys):
    output = tmp_path / "lea.pdf"
    call_command("render_document", "alpha", "essai", "--learner", w.personas["apprenant"].email,
                 "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF-") and len(PdfReader(output).pages) == 1
    assert "Léa Dupont" in capsys.readouterr().out


def test_it_finds_a_learner_without_account_by_ine(alpha, w, tmp_path):
    with tenant_context(alpha):
        Apprenant.objects.filter(pk=w.hugo.pk).update(ine="1234567890A")
    output = tmp_path / "hugo.pdf"
    call_command("render_document", "alpha", "essai", "--learner", "1234567890a", "--output", str(output))
    assert output.exists()


@pytest.mark.parametrize(("schema", "kind", "learner", "message"), [
    ("nulle-part", "essai", "apprenant@alpha.test", "Établissement inconnu"),
    ("alpha", "inconnu", "apprenant@alpha.test", "Type de document inconnu"),
    ("alpha", "essai", "personne@alpha.test", "Aucun apprenant"),
    ("beta", "essai", "apprenant@alpha.test", "Aucun apprenant"),  # alpha's learner does not exist in beta
])
def test_it_fails_clearly_on_an_unknown_establishment_kind_or_learner(w, beta, tmp_path, schema, kind, learner,
                                                                      message):
    output = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("render_document", schema, kind, "--learner", learner, "--output", str(output))
    assert not output.exists()


def test_it_fails_clearly_when_there_is_nothing_to_print(w, tmp_path):
    with pytest.raises(CommandError, match="Document indisponible : Rien à imprimer pour Léa Dupont"):
        call_command("render_document", "alpha", "essai", "--learner", "apprenant@alpha.test",
                     "--output", str(tmp_path / "x.pdf"), "--option", "indisponible=1")


def test_the_command_exits_non_zero_with_the_message_on_stderr(w, tmp_path, capsys):
    from documents.management.commands.render_document import Command

    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "render_document", "alpha", "inconnu", "--learner", "x@y.z",
                                 "--output", str(tmp_path / "x.pdf")])
    assert exit_.value.code == 1 and "Type de document inconnu" in capsys.readouterr().err
