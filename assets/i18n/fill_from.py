"""Fill the unfinished translations of one .ts from another, and keep one name for IT staff.

    python assets/i18n/fill_from.py TARGET.ts OTHER.ts

After merging two branches that both added strings: take one side's .ts, run lupdate (see
update.sh), then fill what it marks unfinished from the other side's .ts (same context and
source first, then the same source in any context), then run update.sh again to compile.
Every Chinese translation is also brought to one name for the school's IT staff (学校信息老师)
and the agreed wording (tests/ui/test_ui_wording.py checks both). Prints what is still unfinished.
"""

from __future__ import annotations

import html
import re
import sys

MESSAGE = re.compile(r"<source>([^<]*)</source>(\s*(?:<extracomment>[^<]*</extracomment>)?)"
                     r"(\s*)<translation( type=\"unfinished\")?>([^<]*)</translation>")
CONTEXT = re.compile(r"<context>\s*<name>([^<]*)</name>.*?</context>", re.S)
OTHER_IT_NAMES = ("学校的电脑管理员", "学校负责电脑的老师", "学校IT人员", "电脑管理员", "IT人员")
IT_NAME = "学校信息老师"
WORDING = {"任意版本": "不限版本", "A–B 重复": "重复一段"}  # no internal words for teachers


def finished(text: str) -> dict:
    """{(context, source): translation} and {(None, source): translation} of finished messages."""
    out: dict = {}
    for block in CONTEXT.finditer(text):
        for m in MESSAGE.finditer(block.group(0)):
            if not m.group(4) and m.group(5):
                out[(block.group(1), m.group(1))] = m.group(5)
                out.setdefault((None, m.group(1)), m.group(5))
    return out


def one_it_name(translation: str) -> str:
    """The translation with the one IT name and the agreed wording (:data:`WORDING`)."""
    translation = WORDING.get(translation, translation)
    for name in OTHER_IT_NAMES:
        translation = translation.replace(name, IT_NAME)
    return re.sub(r"(?<!学校)信息老师", IT_NAME, translation)


def fill(target: str, known: dict) -> tuple[str, list[str]]:
    """``target`` with its unfinished messages filled from ``known``, and what is still missing."""
    missing: list[str] = []

    def context(block: re.Match) -> str:
        name = block.group(1)

        def message(m: re.Match) -> str:
            source, comment, space, unfinished, translation = m.groups()
            if unfinished:
                translation = known.get((name, source)) or known.get((None, source)) or ""
                if not translation:
                    missing.append(html.unescape(source))
            mark = ' type="unfinished"' if not translation else ""
            return (f"<source>{source}</source>{comment}{space}<translation{mark}>"
                    f"{one_it_name(translation)}</translation>")
        return MESSAGE.sub(message, block.group(0))
    return CONTEXT.sub(context, target), missing


def main(target_path: str, other_path: str) -> int:
    with open(other_path, encoding="utf-8") as f:
        known = finished(f.read())
    with open(target_path, encoding="utf-8") as f:
        text, missing = fill(f.read(), known)
    with open(target_path, "w", encoding="utf-8") as f:
        f.write(text)
    for source in missing:
        print(f"still unfinished: {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
