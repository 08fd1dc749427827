"""Say plainly which system library is missing, instead of an obscure traceback later."""

import ctypes.util
import sys

MISSING = []
if not ctypes.util.find_library("pango-1.0") or not ctypes.util.find_library("pangoft2-1.0"):
    MISSING.append(("Pango (WeasyPrint, documents PDF)", "libpango-1.0-0 libpangoft2-1.0-0"))

if MISSING:
    for what, packages in MISSING:
        print(f"Attention : bibliothèque système absente : {what}.", file=sys.stderr)
        print(f"  Installez-la avec : sudo apt-get install {packages}", file=sys.stderr)
    print("  cpro démarre quand même ; la génération de PDF sera indisponible.", file=sys.stderr)
