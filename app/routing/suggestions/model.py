"""The statistical half of the identification: TF-IDF over jieba's words and over character n-grams, and a
multinomial logistic regression over the category leaves. Trained from the labelled reports shipped in
data/labelled (never from the held-out writer), saved with the digest of the data it learnt from."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.routing.suggestions.once import LoadedOnce
from app.routing.suggestions.text import normalise, words

# scikit-learn, scipy and joblib are imported where a model is built or loaded: a process that never suggests
# (the timer worker, a CLI command) does not carry them.
Pipeline = Any

DATA = Path(__file__).resolve().parent / "data"
LABELLED = DATA / "labelled"
MODEL_FILE = DATA / "model.joblib"
META_FILE = DATA / "model.json"
HELD_OUT = frozenset({"writer-e"})  # a whole writer's voice training never sees


@dataclass(frozen=True)
class Report:
    id: str
    writer: str
    channel: str
    text: str
    address: str
    police: bool
    category: str
    township: str | None
    place: str
    borderline: bool

    @property
    def model_text(self) -> str:
        return model_text(self.text, self.address)


def model_text(text: str, address: str | None) -> str:
    return normalise(f"{text} {address or ''}")


def labelled_files(*, held_out: bool) -> list[Path]:
    return sorted(p for p in LABELLED.glob("*.jsonl") if (p.stem in HELD_OUT) == held_out)


def read_reports(paths: list[Path]) -> list[Report]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(Report(row["id"], path.stem, row["channel"], row["text"], row.get("address") or "",
                                  bool(row["police"]), row["category"], row.get("township"), row.get("place", "none"),
                                  bool(row.get("borderline"))))
    return out


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def build() -> Pipeline:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                                  sublinear_tf=True, min_df=2)),
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
    ])
    return Pipeline([("features", features), ("classify", LogisticRegression(C=60.0, max_iter=5000))])


def train(reports: list[Report]) -> Pipeline:
    pipeline = build()
    pipeline.fit([r.model_text for r in reports], [r.category for r in reports])
    return pipeline


def save(pipeline: Pipeline, paths: list[Path], rows: int) -> dict[str, Any]:
    import joblib
    import sklearn

    joblib.dump(pipeline, MODEL_FILE, compress=3)
    meta = {"data_sha256": digest(paths), "files": [p.name for p in paths], "rows": rows,
            "scikit_learn": sklearn.__version__,
            "model_sha256": hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()}
    META_FILE.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return meta


class Model:
    """A trained pipeline, with what explaining its answers needs prepared once (the vocabulary's words), and
    its fitted parts laid out for scoring one text at a time."""

    def __init__(self, pipeline: Pipeline, version: str) -> None:
        import numpy as np

        self.pipeline = pipeline
        self.version = version
        self.classes = [str(c) for c in pipeline.classes_]
        self._features = pipeline.named_steps["features"]
        self._classify = pipeline.named_steps["classify"]
        vectorisers = [step for _name, step in self._features.transformer_list]
        self._word_names = [str(n) for n in vectorisers[0].get_feature_names_out()]
        # Per vectoriser: its analyser, vocabulary and idf, and where its columns start in the union's row.
        self._parts: list[tuple[Any, dict[str, int], Any, int]] = []
        offset = 0
        for step in vectorisers:
            self._parts.append((step.build_analyzer(), step.vocabulary_, step.idf_, offset))
            offset += len(step.vocabulary_)
        self._width = offset
        self._weights = np.ascontiguousarray(self._classify.coef_.T)  # one row of class weights per feature
        self._intercept = self._classify.intercept_

    def analyse(self, text: str) -> tuple[list[float], Any]:
        """The leaf probabilities of one text, and its feature row (for the evidence).

        The fitted model's own arithmetic (sublinear tf times idf, each vectoriser's row l2-normalised, then the
        multinomial softmax), done directly: for one short text scikit-learn's input checks, dataframe
        detection and the union's dispatch cost several times the arithmetic, on every intake.
        `test_fast_path_equals_the_pipeline` holds it to the pipeline's own answers."""
        import numpy as np
        from scipy.sparse import csr_matrix

        columns: list[Any] = []
        values: list[Any] = []
        for analyser, vocabulary, idf, offset in self._parts:
            counts: dict[int, int] = {}
            for term in analyser(text):
                j = vocabulary.get(term)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if not counts:
                continue
            cols = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
            weights = (np.log(np.array([counts[j] for j in cols.tolist()], dtype=np.float64)) + 1.0) * idf[cols]
            columns.append(cols + offset)
            values.append(weights / np.sqrt(np.dot(weights, weights)))
        cols = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
        data = np.concatenate(values) if values else np.zeros(0)
        scores = data @ self._weights[cols] + self._intercept
        exp = np.exp(scores - scores.max())
        row = csr_matrix((data, cols, np.array([0, len(cols)])), shape=(1, self._width))
        return [float(p) for p in exp / exp.sum()], row

    def word_contributions(self, row: Any, category: str, top: int = 3) -> list[str]:
        """The words that pushed this row toward the category most (the model's part of the evidence): whole
        words of two characters or more, not word pairs."""
        coef = self._classify.coef_[self.classes.index(category)]
        words_count = len(self._word_names)
        cols = row.indices if hasattr(row, "indices") else row.nonzero()[1]
        data = row.data if hasattr(row, "data") else [row[0, j] for j in cols]
        scored = sorted(((v * coef[j], j) for v, j in zip(data, cols, strict=True) if j < words_count),
                        reverse=True)
        names = self._word_names
        useful = [names[j] for value, j in scored if value > 0 and " " not in names[j] and len(names[j]) >= 2]
        return useful[:top]


def from_pipeline(pipeline: Pipeline, version: str = "unsaved") -> Model:
    return Model(pipeline, version)


@LoadedOnce
def shipped() -> Model:
    """The trained model, loaded once per process (the file is ours: it is built by `suggestions train`)."""
    import joblib

    meta = json.loads(META_FILE.read_text(encoding="utf-8"))
    return from_pipeline(joblib.load(MODEL_FILE), meta["model_sha256"][:12])
