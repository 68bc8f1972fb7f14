"""`flask --app app suggestions train|evaluate`: the identification's model, built and measured."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from app.routing.suggestions import evaluate as figures
from app.routing.suggestions import model as models

suggestions_cli = AppGroup("suggestions", help="The identification of non-police matters: train and evaluate.")


@suggestions_cli.command("train")
def train() -> None:
    """Train on the labelled reports (never the held-out writer) and write data/model.joblib and model.json."""
    paths = models.labelled_files(held_out=False)
    reports = models.read_reports(paths)
    meta = models.save(models.train(reports), paths, len(reports))
    click.echo(f"trained on {len(reports)} reports from {', '.join(p.stem for p in paths)}; "
               f"model {meta['model_sha256'][:12]}, data {meta['data_sha256'][:12]}")


def _print(title: str, f: figures.Figures) -> None:
    click.echo(f"{title}: {f.reports} reports, {f.police_reports} police, {f.township_reports} naming a place")
    for name, target in figures.TARGETS.items():
        value = getattr(f, name)
        click.echo(f"  {name:18} {value:.4f}  (target ≥ {target:.2f}) {'ok' if value >= target else 'MISSED'}")
    click.echo(f"  {'flagged':18} {f.flagged:.4f}  (share a person is asked to decide)")
    if f.missed_police:
        click.echo(f"  police taken for disputes: {', '.join(f.missed_police)}")


@suggestions_cli.command("evaluate")
@click.option("--cv/--no-cv", default=True, help="Also cross-validate, leaving one training writer out at a time.")
@click.option("--as-json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(cv: bool, as_json: bool) -> None:
    """The figures of the shipped model on the held-out writer, and by cross-validation on the rest.
    Exits 1 when a held-out figure misses its target."""
    held_out = figures.score(models.shipped(), models.read_reports(models.labelled_files(held_out=True)))
    pooled = figures.cross_validate(models.read_reports(models.labelled_files(held_out=False))) if cv else None
    if as_json:
        click.echo(json.dumps({"held_out": held_out.as_dict(), "cross_validation": pooled.as_dict() if pooled else None,
                               "targets": figures.TARGETS}, ensure_ascii=False, indent=1))
    else:
        _print("held out (writer e, never trained on)", held_out)
        if pooled:
            _print("cross-validation (leave one writer out)", pooled)
    if held_out.misses():
        sys.exit(1)


@suggestions_cli.command("live")
def live() -> None:
    """How often dispatchers agreed with the suggestions, per field, over every decided case."""
    from app.cases import identification

    click.echo(json.dumps(identification.live_accuracy(identification.decided_cases()), ensure_ascii=False,
                          indent=1))


@suggestions_cli.command("corrections")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def corrections(out: str) -> None:
    """Write the decided non-police cases as labelled reports (JSON Lines). Put the file in data/labelled/ and
    run `suggestions train` to learn from the dispatchers' corrections; police work is decided before its
    category, so it is not exported."""
    from app.cases import identification

    rows = [r for r in (identification.as_labelled(c) for c in identification.decided_cases()) if r]
    with open(out, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    click.echo(f"{len(rows)} decided cases written to {out}")
