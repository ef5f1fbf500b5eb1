"""The front end's strings: Chinese and English files with the same keys, for the shell and every
feature; every key the code asks for with a literal exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import ROOT

I18N = ROOT / "frontend" / "i18n"
JS = ROOT / "frontend" / "js"


def _pairs() -> list[tuple[Path, Path]]:
    return [(zh, I18N / zh.name.replace("zh-CN", "en", 1)) for zh in sorted(I18N.glob("zh-CN*.json"))]


@pytest.mark.parametrize(("zh", "en"), _pairs(), ids=lambda p: p.name)
def test_every_chinese_string_has_an_english_one_and_back(zh, en):
    assert en.exists(), f"{en.name} is missing"
    zh_keys, en_keys = set(json.loads(zh.read_text("utf-8"))), set(json.loads(en.read_text("utf-8")))
    assert zh_keys - en_keys == set(), f"only in {zh.name}"
    assert en_keys - zh_keys == set(), f"only in {en.name}"


def test_bundles_named_in_i18n_js_are_the_files_there_are():
    named = re.search(r"BUNDLES = \[([^\]]*)\]", (JS / "i18n.js").read_text("utf-8"))
    assert named is not None
    bundles = {b.strip().strip('"') for b in named.group(1).split(",")}
    files = {p.name[len("zh-CN."):-len(".json")] if p.name != "zh-CN.json" else "" for p in I18N.glob("zh-CN*.json")}
    assert files <= bundles, f"strings files no bundle loads: {files - bundles}"


def test_every_literal_key_the_code_uses_exists_in_chinese():
    known: set[str] = set()
    for zh, _ in _pairs():
        known |= {k.split("@")[0] for k in json.loads(zh.read_text("utf-8"))}
    code = [re.sub(r"/\*.*?\*/|^\s*//.*$", "", f.read_text("utf-8"), flags=re.S | re.M) for f in JS.rglob("*.js")]
    used = {m for text in code for m in re.findall(r"\bt\(\s*\"([\w.-]+)\"", text)}
    assert used, "no t(\"…\") calls found: the pattern no longer matches the code"
    assert used - known == set()
