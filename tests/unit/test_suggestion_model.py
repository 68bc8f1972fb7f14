"""The identification's model: shipped with the digest of the data it was trained on, reproducible, never trained
on the held-out writer, and meeting issue 12's figures on that writer."""
from __future__ import annotations

import hashlib
import json

from app.routing.suggestions import evaluate, model


def test_the_shipped_model_is_the_one_trained_on_the_shipped_data():
    meta = json.loads(model.META_FILE.read_text(encoding="utf-8"))
    training = model.labelled_files(held_out=False)
    assert meta["data_sha256"] == model.digest(training), "the labelled data changed: run `flask suggestions train`"
    assert meta["model_sha256"] == hashlib.sha256(model.MODEL_FILE.read_bytes()).hexdigest()
    assert not set(meta["files"]) & {p.name for p in model.labelled_files(held_out=True)}
    assert meta["rows"] == len(model.read_reports(training)) >= 1000


def test_the_labelled_set_covers_every_leaf_and_keeps_a_held_out_writer():
    from app.routing.gazetteer import category_leaves

    reports = model.read_reports(model.labelled_files(held_out=False) + model.labelled_files(held_out=True))
    assert len(reports) >= 1000
    held_out = model.read_reports(model.labelled_files(held_out=True))
    assert held_out and {r.writer for r in held_out} == set(model.HELD_OUT)
    for leaf in category_leaves():
        assert any(r.category == leaf.code for r in held_out), leaf.code
        assert sum(r.category == leaf.code for r in reports) >= 25, leaf.code
    assert len({r.text for r in reports}) == len(reports)


def test_training_is_reproducible():
    reports = model.read_reports(model.labelled_files(held_out=False))[:300]
    texts = [r.model_text for r in model.read_reports(model.labelled_files(held_out=True))[:20]]
    first = model.train(reports).predict_proba(texts)
    second = model.train(reports).predict_proba(texts)
    assert (first == second).all()


def test_the_held_out_figures_meet_the_targets():
    figures = evaluate.score(model.shipped(), model.read_reports(model.labelled_files(held_out=True)))
    assert figures.misses() == {}, figures.as_dict()
    assert figures.township_reports > 100 and figures.police_reports > 50


def test_fast_path_equals_the_pipeline():
    """Model.analyse scores one text from the fitted parts; it must be the pipeline's own answer: the same
    probabilities and the same feature row, for every labelled report, an empty text and unseen words."""
    import numpy as np

    shipped = model.shipped()
    texts = [r.model_text for r in model.read_reports(model.labelled_files(held_out=True))]
    texts += ["", "zzzz qqqq", model.model_text("货车司机反映物流平台拖欠运费，请求协助追讨。", "秀洲区高照街道")]
    expected = shipped.pipeline.predict_proba(texts)
    rows = shipped.pipeline.named_steps["features"].transform(texts)
    for i, text in enumerate(texts):
        probabilities, row = shipped.analyse(text)
        assert np.allclose(probabilities, expected[i], rtol=0, atol=1e-12), text
        assert abs(rows[i] - row).max() < 1e-12
        assert max(range(len(probabilities)), key=probabilities.__getitem__) == int(np.argmax(expected[i]))


def test_concurrent_first_callers_share_one_load():
    """A fresh gunicorn worker's threads all reach the model and the tokenizer at once: one load, shared, not
    one each (which on two cores pushed the first intakes past a client's 10 s timeout)."""
    from concurrent.futures import ThreadPoolExecutor

    from app.routing.suggestions import text

    for load in (model.shipped, text.tokenizer):
        load.cache_clear()
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda _n: load(), range(4)))  # noqa: B023 - called before the loop moves on
        assert all(one is got[0] for one in got), load.__name__
