"""Chinese text as the rules and the model see it: normalised, then segmented by jieba."""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

import jieba

jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not the service's log
_DIGITS = re.compile(r"[0-9]+")
_SPACE = re.compile(r"\s+")
_lock = threading.Lock()


def normalise(text: str) -> str:
    """Full-width forms folded (ＡＢＣ１２ → abc12), spaces collapsed, numbers reduced to their shape so
    "欠了3000" and "欠了12000" look alike to the model."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", _DIGITS.sub("0", folded)).strip()


def _extra_words() -> list[str]:
    # Place names and the rules' words stay whole: jieba would split 王江泾 or 电瓶车 otherwise.
    from app.routing.suggestions import places, rules
    return [*places.finder().names(), *rules.rulebook().words()]


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    with _lock:
        tok = jieba.Tokenizer()
        tok.initialize()
        for word in _extra_words():
            if len(word) >= 2:
                tok.add_word(word, freq=2000)
        return tok


def words(text: str) -> list[str]:
    """The words of a normalised text, punctuation and spaces dropped (a module function: the trained model
    refers to it by name)."""
    return [w for w in tokenizer().lcut(text)
            if w.strip() and not unicodedata.category(w[0]).startswith(("P", "S", "Z"))]
