"""Chinese text as the rules and the model see it: normalised, then segmented by jieba."""
from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from app.routing.suggestions.once import LoadedOnce

_DIGITS = re.compile(r"[0-9]+")
_SPACE = re.compile(r"\s+")
# Where a piece may end: punctuation and spaces (kept, so the pieces join back to the text).
_BREAKS = re.compile(r"(?<=[\s,.!?;:，。！？；：、…])")


def normalise(text: str) -> str:
    """Full-width forms folded (ＡＢＣ１２ → abc12), spaces collapsed, numbers reduced to their shape so
    "欠了3000" and "欠了12000" look alike to the model."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", _DIGITS.sub("0", folded)).strip()


def _extra_words() -> list[str]:
    # Place names and the rules' words stay whole: jieba would split 王江泾 or 电瓶车 otherwise.
    from app.routing.suggestions import places, rules
    return [*places.finder().names(), *rules.rulebook().words()]


@LoadedOnce
def tokenizer() -> Any:
    import jieba  # imported on first use, like the model: processes that never suggest do not load it

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not the service's log
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in _extra_words():
        if len(word) >= 2:
            tok.add_word(word, freq=2000)
    return tok


_RUN = 100  # jieba's HMM grows with the square of an unbroken run of unknown characters: cut long runs


def _pieces(text: str) -> list[str]:
    """The text in pieces jieba handles in linear time: a run longer than _RUN characters without punctuation
    or space (never in what people say, easily in what an attacker sends) is cut every _RUN characters."""
    runs = _BREAKS.split(text)
    if all(len(run) <= _RUN for run in runs):
        return [text]  # what people say: segmented whole, exactly as the model was trained
    out = []
    for run in runs:
        out += [run[i:i + _RUN] for i in range(0, len(run), _RUN)] if len(run) > _RUN else [run]
    return out


def words(text: str) -> list[str]:
    """The words of a normalised text, punctuation and spaces dropped (a module function: the trained model
    refers to it by name)."""
    tok = tokenizer()
    return [w for piece in _pieces(text) for w in tok.lcut(piece)
            if w.strip() and not unicodedata.category(w[0]).startswith(("P", "S", "Z"))]
