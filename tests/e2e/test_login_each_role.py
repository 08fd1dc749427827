import pytest
from playwright.sync_api import expect

from demo.services import DEMO_PEOPLE

HEADINGS = {
    "direction": ("/direction/", "Tableau de bord de la direction"),
    "formateur": ("/formateur/", "Espace formateur"),
    "apprenant": ("/apprenant/", "Mon livret"),
    "tuteur": ("/tuteur/", "Espace tuteur"),
    "inspecteur": ("/inspection/", "Espace inspection"),
}

pytestmark = pytest.mark.browser


def test_each_demo_role_logs_in_and_sees_its_home_page(page, site, login_as):
    for email, roles, *_ in DEMO_PEOPLE:
        path, heading = HEADINGS[roles[0]]
        login_as(email)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert page.url == f"{site}{path}"
        expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
        page.get_by_role("button", name="Se déconnecter").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Connexion")


def test_the_skip_link_is_the_first_stop_of_the_keyboard(page, site, login_as):
    login_as("formateur@demo.cpro.local")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace formateur")  # the redirect has landed
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_wrong_password_is_explained(page, site, login_as):
    login_as("tuteur@demo.cpro.local", "mauvais-mot-de-passe")
    expect(page.get_by_role("alert")).to_contain_text("incorrect")
