#!/usr/bin/env bash
# Refresh the Chinese translation after changing user-visible strings in teachpoint/ui:
#   1. collect the strings into the .ts (new ones are marked unfinished),
#   2. translate them (.venv/bin/pyside6-linguist assets/i18n/teachpoint_zh_CN.ts, or edit the XML),
#   3. run this script again to compile the .qm (commit both files).
# tests/ui/test_ui_i18n.py fails while a string is untranslated or the .qm is stale.
# After a merge where both sides added strings: fill_from.py (see its docstring).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
"$BIN/pyside6-lupdate" $(find teachpoint/ui -name '*.py' | sort) -locations none -no-obsolete \
  -source-language en -target-language zh_CN -ts assets/i18n/teachpoint_zh_CN.ts
"$BIN/pyside6-lrelease" assets/i18n/teachpoint_zh_CN.ts -qm assets/i18n/teachpoint_zh_CN.qm
