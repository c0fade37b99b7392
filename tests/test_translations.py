"""The English catalogue covers every string in the interface.

The msgids are Chinese and English is the translation in locale/en. This regenerates the
catalogue the way a developer does (``makemessages -l en``) in a copy of the project, so the
working tree is never touched, and fails listing every string that is new and untranslated or
was only fuzzy-matched by msgmerge (fuzzy entries are ignored at run time, so they show up in
Chinese). Fix: run the same makemessages in the project, translate the listed entries in
locale/en/LC_MESSAGES/django.po, remove their ``#, fuzzy`` flags and run
``manage.py compilemessages -l en --ignore=.venv``.
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["config", "units", "assessment", "feedback", "reports", "demo", "templates", "locale"]
IGNORES = [".venv", "static/vendor", "tests", "node_modules", "bench"]
GETTEXT_TOOLS = ["xgettext", "msgmerge", "msguniq", "msgattrib"]


def parse_po(text):
    """Entries of a .po file as dicts: msgid, msgstr (list of forms), flags, refs.

    Obsolete (``#~``) entries and the header are left out.
    """
    entries, current, field = [], None, None

    def finish():
        if current and current.get("msgid") and not current.get("obsolete"):
            forms = current["msgstr"]
            current["msgstr"] = [forms[k] for k in sorted(forms)]
            entries.append(current)

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            current, field = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgstr": {}, "flags": set(), "refs": [], "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#:"):
            current["refs"].extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field[0] == "msgstr":
                current["msgstr"][field[1]] += value
            else:
                current[field[0]] += value
        else:
            keyword, _, quoted = line.partition(" ")
            value = ast.literal_eval(quoted)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                field = ("msgstr", index)
                current["msgstr"][index] = value
            else:
                field = (keyword, None)
                current[keyword] = value
    return entries


def test_parse_po_reads_plurals_flags_and_continuations():
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\n#| msgid "旧"\n'
        'msgid "新 %(n)s"\nmsgstr "New %(n)s"\n\n'
        '#: b.html:2 c.html:3\nmsgid "%(n)s 项"\nmsgid_plural "%(n)s 项"\n'
        'msgstr[0] "%(n)s item"\nmsgstr[1] ""\n\n'
        'msgid ""\n"长"\n"句"\nmsgstr ""\n"Long "\n"sentence"\n\n'
        '#~ msgid "废弃"\n#~ msgstr ""\n'
    )
    entries = {e["msgid"]: e for e in parse_po(text)}
    assert set(entries) == {"新 %(n)s", "%(n)s 项", "长句"}
    assert "fuzzy" in entries["新 %(n)s"]["flags"]
    assert entries["%(n)s 项"]["msgstr"] == ["%(n)s item", ""]
    assert entries["%(n)s 项"]["refs"] == ["b.html:2", "c.html:3"]
    assert entries["长句"]["msgstr"] == ["Long sentence"]


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext (xgettext) is not installed, so makemessages cannot run",
)
def test_every_interface_string_has_an_english_translation(tmp_path):
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"GNU gettext is incomplete here ({', '.join(missing)} not found)")
    copy = tmp_path / "project"
    copy.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        shutil.copytree(ROOT / name, copy / name, ignore=skip)
    shutil.copy2(ROOT / "manage.py", copy / "manage.py")

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [sys.executable, "manage.py", "makemessages", "-l", "en"]
    command += [f"--ignore={pattern}" for pattern in IGNORES]
    run = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"makemessages failed:\n{run.stdout}\n{run.stderr}"

    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = parse_po(po.read_text(encoding="utf-8"))
    assert entries, "makemessages produced an empty catalogue"
    problems = []
    for entry in entries:
        if "fuzzy" in entry["flags"]:
            why = "fuzzy"
        elif not entry["msgstr"] or not all(entry["msgstr"]):
            why = "untranslated"
        else:
            continue
        where = " ".join(entry["refs"][:2])
        problems.append(f"{why}: {entry['msgid']!r} ({where})")
    assert not problems, (
        f"{len(problems)} of {len(entries)} entries in locale/en/LC_MESSAGES/django.po need an "
        "English translation (run makemessages -l en, translate, drop '#, fuzzy', then "
        "compilemessages):\n" + "\n".join(problems)
    )
