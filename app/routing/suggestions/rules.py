"""The identification's keyword rules, kept as data (data/rules.json) so a designer can change them."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.json"


@dataclass(frozen=True)
class Hit:
    category: str | None  # None for a police signal
    word: str
    weight: float


@dataclass(frozen=True)
class Rulebook:
    by_category: dict[str, tuple[float, tuple[str, ...]]]
    police_words: tuple[str, ...]
    police_floor: float
    police_at: float = 0.3
    sure_at: float = 0.75
    category_patterns: tuple[tuple[str, float, Any], ...] = ()
    police_patterns: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def words(self) -> list[str]:
        return [w for _weight, words in self.by_category.values() for w in words] + list(self.police_words)

    def hits(self, text: str) -> list[Hit]:
        # Line breaks and runs of spaces are one space: a transcript's line break must not hide a threat.
        folded = " ".join(unicodedata.normalize("NFKC", text).lower().split())
        found = [Hit(category, word, weight) for category, (weight, words) in self.by_category.items()
                 for word in words if word in folded]
        found += [Hit(category, m, weight) for category, weight, pattern in self.category_patterns
                  if (m := _search(pattern, folded))]
        found += [Hit(None, word, self.police_floor) for word in self.police_words if _affirmed(folded, word)]
        found += [Hit(None, m, self.police_floor) for pattern, unless in self.police_patterns
                  if not any(w in folded for w in unless) and (m := _search(pattern, folded))]
        return found


NEGATIONS = ("没", "未", "无", "不", "别")
QUOTE = 24  # the longest quote of a pattern's match that evidence carries


def _affirmed(text: str, word: str) -> bool:
    """The word occurs at least once without a negation just before it ("没有人受伤了" says no one is hurt)."""
    start = text.find(word)
    while start >= 0:
        if not any(n in text[max(0, start - 3):start] for n in NEGATIONS):
            return True
        start = text.find(word, start + 1)
    return False


def _search(pattern: Any, text: str) -> str:
    """The first match of a designer's pattern, or "" (also when it runs past its time: a slow pattern must
    not hold up intake)."""
    try:
        found = pattern.search(text, timeout=0.05)
    except TimeoutError:
        return ""
    if not found:
        return ""
    quoted = str(found.group(0))
    return quoted if len(quoted) <= QUOTE else quoted[:QUOTE] + "…"


def load(path: Path = RULES_FILE) -> Rulebook:
    raw = json.loads(path.read_text(encoding="utf-8"))
    by_category: dict[str, tuple[float, tuple[str, ...]]] = {}
    for rule in raw.get("categories", []):
        _weight, words = by_category.get(rule["category"], (0.0, ()))
        by_category[rule["category"]] = (float(rule.get("weight", 0.3)), words + tuple(rule["words"]))
    signals = raw.get("police_signals", {})
    decision = raw.get("decision", {})
    category_patterns = tuple((rule["category"], float(rule.get("weight", 0.3)), regex.compile(p, regex.DOTALL))
                              for rule in raw.get("categories", []) for p in rule.get("patterns", []))
    police_patterns = tuple(
        (regex.compile(p if isinstance(p, str) else p["pattern"], regex.DOTALL),
         tuple([] if isinstance(p, str) else p.get("unless", [])))
        for p in signals.get("patterns", []))
    return Rulebook(by_category, tuple(signals.get("words", [])), float(signals.get("floor", 0.5)),
                    float(decision.get("police_at", 0.3)), float(decision.get("sure_at", 0.75)),
                    category_patterns, police_patterns)


@lru_cache(maxsize=1)
def rulebook() -> Rulebook:
    return load()
