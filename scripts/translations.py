"""Refresh the message catalogues: extract, update, and (with --compile) build the .mo files.

    .venv/bin/python scripts/translations.py [--compile]
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYBABEL = str(Path(sys.executable).with_name("pybabel"))
TRANSLATIONS = REPO / "app" / "translations"


def main() -> None:
    if "--compile" not in sys.argv:
        subprocess.run([PYBABEL, "--quiet", "extract", "-F", "babel.cfg", "-k", "_", "-k", "gettext", "-o",
                        str(TRANSLATIONS / "messages.pot"), "."], cwd=REPO, check=True)
        for lang in ("zh_Hans_CN", "en"):
            if (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").exists():
                subprocess.run([PYBABEL, "--quiet", "update", "--no-fuzzy-matching", "-i", str(TRANSLATIONS / "messages.pot"), "-d",
                                str(TRANSLATIONS), "-l", lang], cwd=REPO, check=True)
    subprocess.run([PYBABEL, "--quiet", "compile", "-d", str(TRANSLATIONS)], cwd=REPO, check=True)


if __name__ == "__main__":
    main()
