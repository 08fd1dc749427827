"""`make clean-data`: deletes the embedded data after saying what goes and asking; refuses while in use."""

import argparse
import shutil
import sys
from pathlib import Path

from . import data_dir
from .locks import FileLock
from .postgres import EmbeddedPostgres

BASE_DIR = Path(__file__).resolve().parents[2]
CONFIRMATION = "effacer"


def clean_data(*, confirmed: bool) -> int:
    folder = data_dir(BASE_DIR)
    if not folder.exists():
        print(f"Rien à effacer : {folder} n'existe pas.")
        return 0
    run_lock = FileLock(folder / "run.lock")
    users = FileLock(folder / "postgres.users.lock")
    try:
        if not run_lock.try_lock():
            print("cpro est lancé depuis ce dossier (« make run ») : arrêtez-le d'abord (Ctrl-C dans son terminal).\n"
                  "Rien n'a été effacé.")
            return 1
        if not users.try_lock():  # held until the end: nothing can start the database meanwhile
            print("La base embarquée est utilisée par un autre processus de ce dossier (make test, manage.py…) : "
                  "arrêtez-le d'abord.\nRien n'a été effacé.")
            return 1
        print(f"« make clean-data » efface définitivement toutes les données de cpro dans {folder} :\n"
              "établissements, comptes, classes, évaluations, fichiers déposés. Le prochain « make run » repartira "
              "de la démonstration.")
        if not confirmed:
            if not sys.stdin.isatty():
                print("Sans terminal pour confirmer : make clean-data CONFIRMER=oui\nRien n'a été effacé.")
                return 1
            answer = input(f"Tapez « {CONFIRMATION} » pour confirmer : ").strip().lower()
            if answer != CONFIRMATION:
                print("Rien n'a été effacé.")
                return 1
        EmbeddedPostgres(folder).stop()
        shutil.rmtree(folder)
        print("Données effacées.")
        return 0
    except (KeyboardInterrupt, EOFError):
        print("\nRien n'a été effacé.")
        return 1
    finally:
        users.close()
        run_lock.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cpro.embedded")
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean-data", help="efface la base embarquée et les fichiers déposés (.data/)")
    clean.add_argument("--oui", action="store_true", help="sans demander de confirmation")
    args = parser.parse_args(argv)
    return clean_data(confirmed=args.oui)


if __name__ == "__main__":
    sys.exit(main())
