"""The benchmark: the whole lifecycle through a real server (gunicorn, real HTTP, a client process),
against the raw engine, as stored cases grow; the timer sweep; peak memory. One command:

    bash bench/run            # full run (SQLite, and PostgreSQL when it can start one)
    bash bench/run --smoke    # seconds: keeps the benchmark working (CI)

Writes bench/results/latest.json, latest.md and latest.png.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import engine as raw_engine  # noqa: E402
import loader  # noqa: E402
import roundtrips  # noqa: E402
import sweep as sweep_bench  # noqa: E402
from fresh import fresh_database, make_app  # noqa: E402

RESULTS = REPO / "bench" / "results"
VENV_BIN = Path(sys.executable).parent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarise(samples: dict[str, list[list[float]]]) -> dict[str, Any]:
    out = {}
    for kind, pairs in samples.items():
        client = [c for c, _ in pairs]
        server = [s for _, s in pairs]
        out[kind] = {"n": len(pairs), "p50": percentile(client, 50), "p95": percentile(client, 95),
                     "p99": percentile(client, 99), "server_p50": percentile(server, 50),
                     "server_mean": statistics.fmean(server) if server else 0.0}
    return out


def prepare(url: str, workdir: Path) -> Path:
    """A fresh, migrated database with the demo teams and users; returns a file of bearer tokens."""
    from app.extensions import db

    app = make_app(url)
    tokens = fresh_database(app, "benchmark")
    with app.app_context():
        db.engine.dispose()
    path = workdir / "tokens.json"
    path.write_text(json.dumps(tokens))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn (one worker unless told; threads for the concurrent clients) as a separate process. ``warm``: each
    worker loads the identification's model before it takes requests (app/serving.py), as in production."""

    def __init__(self, url: str, threads: int, workers: int = 1, warm: bool = False) -> None:
        self.port = free_port()
        # No request log: stderr is a pipe read only if the server fails to start, and a full pipe would stall it.
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO), "REQUEST_LOG": "0"}
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads), "--bind",
             f"127.0.0.1:{self.port}", "--log-level", "warning", *(["-c", "python:app.serving"] if warm else []),
             "app:create_app()"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30 + 30 * warm
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start: " + (self.proc.stderr.read().decode() if self.proc.stderr else ""))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_peak_mib(self) -> float:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        peak = 0.0
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        return peak

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def drive(server: Server, tokens: Path, lifecycles: int, concurrency: int, reads: int, workdir: Path) -> dict[str, Any]:
    out = workdir / "client.json"
    subprocess.run([sys.executable, str(REPO / "bench" / "client.py"), "--base", server.base, "--tokens",
                    str(tokens), "--lifecycles", str(lifecycles), "--concurrency", str(concurrency), "--reads",
                    str(reads), "--out", str(out)], check=True)
    result = json.loads(out.read_text())
    result["latency"] = summarise(result.pop("samples"))
    return result


TICK_AND_REPORT = """
import resource, sys
from datetime import UTC, datetime, timedelta
from app import create_app
from app.timers.service import tick
app = create_app()
with app.app_context():
    result = tick(datetime.now(UTC) + timedelta(days=1))
print(result.timers, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def timer_worker_peak_mib(url: str) -> tuple[int, float]:
    """Timers fired and peak memory of a sweep as its own process (its own rusage, not its siblings')."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", TICK_AND_REPORT], cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the timer sweep failed:\n{done.stderr[-3000:]}")
    out = done.stdout.split()
    return int(out[-2]), int(out[-1]) / 1024


def bench_database(name: str, url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    print(f"== {name}", flush=True)
    counted_url = url if name == "postgresql" else f"sqlite:///{workdir / 'round-trips.sqlite3'}"
    round_trips = roundtrips.measure(counted_url, 3)
    print(f"   per completion: {round_trips['complete:Task_handle']}", flush=True)
    tokens = prepare(url, workdir)
    app = make_app(url)
    result: dict[str, Any] = {"database": name, "scales": {}, "round_trips": round_trips}
    for scale in [0, *args.scales]:
        if scale:
            loaded = loader.load(app, scale)
            print(f"   stored cases: {scale:,} (+{loaded['added']:,} in {loaded['seconds']:.0f} s)", flush=True)
        server = Server(url, args.concurrency)
        try:
            drive(server, tokens, max(2, args.concurrency), args.concurrency, 20, workdir)  # warm up
            n = args.lifecycles if scale == 0 else args.lifecycles_at_scale
            # One client: the latency a click sees on a server that is not saturated, and the service's own
            # time without other requests competing for the GIL. Then C clients: throughput, latency under load.
            engine_before = raw_engine.measure_steps(args.engine_n // 3)
            solo = drive(server, tokens, max(2, n // 3), 1, args.reads // 2, workdir)
            engine_after = raw_engine.measure_steps(args.engine_n // 3)
            rate_before = raw_engine.rate_with_saves(args.engine_n // 3)
            run = drive(server, tokens, n, args.concurrency, args.reads, workdir)
            # The write path is compared with the engine measured right before and after it, not minutes earlier.
            run["engine_with_saves_alongside"] = (rate_before + raw_engine.rate_with_saves(args.engine_n // 3)) / 2
            run["solo"] = solo["latency"]
            # The machine's speed drifts: the raw engine is measured again right around the one-client run.
            run["engine_step_ms_alongside"] = (engine_before + engine_after) / 2
            run["web_worker_peak_mib"] = server.worker_peak_mib()
        finally:
            server.stop()
        result["scales"][str(scale)] = run
        lat = run["latency"]
        solo_lat = run["solo"]
        print(f"   {scale:>9,} stored: {run['lifecycles_per_s']:.1f} lifecycles/s with {args.concurrency} clients; "
              f"one client: complete p50 {solo_lat['complete']['p50']:.1f} p95 {solo_lat['complete']['p95']:.1f} ms, "
              f"open p95 {solo_lat['open']['p95']:.1f}, list p95 {solo_lat['list_tasks']['p95']:.1f}, get p95 "
              f"{solo_lat['get_task']['p95']:.1f}; under load complete p95 {lat['complete']['p95']:.1f}", flush=True)
    result["timer_sweep_fired"], result["timer_worker_peak_mib"] = timer_worker_peak_mib(url)
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    return result


def bench_sweep(url_for: Any, sizes: list[int], due: int) -> list[dict[str, Any]]:
    rows = []
    for waiting in sizes:
        app = sweep_bench.build(url_for(), waiting, due)
        rows.append({"waiting": waiting, "due": due, **sweep_bench.sweep(app, due)})
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
        print(f"   sweep: {due} due among {waiting:,}: {rows[-1]['sweep_s'] * 1000:.0f} ms", flush=True)
    return rows


def sweep_urls(name: str, url: str, work: Path) -> Any:
    """PostgreSQL sweeps reuse the database (each build drops the schema); SQLite gets a new file each time."""
    counter = iter(range(100))
    return lambda: url if name == "postgresql" else f"sqlite:///{work / f'sweep-{next(counter)}.sqlite3'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (CI)")
    parser.add_argument("--lifecycles", type=int, default=300)
    parser.add_argument("--lifecycles-at-scale", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reads", type=int, default=400)
    parser.add_argument("--scales", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--sweep", type=int, nargs="*", default=[1_000, 100_000])
    parser.add_argument("--engine-n", type=int, default=300)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--out", default=str(RESULTS / "latest"))
    args = parser.parse_args()
    if args.smoke:
        args.lifecycles, args.lifecycles_at_scale, args.reads, args.engine_n = 8, 4, 20, 10
        args.scales, args.sweep, args.concurrency = [200], [50, 200], 2

    results: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "smoke": args.smoke,
                               "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                               "settings": {k: v for k, v in vars(args).items() if k != "postgres_url"}}
    print("== raw engine (in memory)", flush=True)
    results["engine"] = raw_engine.measure(args.engine_n)
    print(f"   {results['engine']['lifecycles_per_s_in_memory']:.1f} lifecycles/s in memory, "
          f"{results['engine']['lifecycles_per_s_with_save_load']:.1f} with a save+load per step", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        databases = {"sqlite": f"sqlite:///{work / 'bench.sqlite3'}"}
        if args.postgres_url:
            databases["postgresql"] = args.postgres_url
        results["databases"] = {}
        for name, url in databases.items():
            results["databases"][name] = bench_database(name, url, args, work)
            results["databases"][name]["sweep"] = bench_sweep(sweep_urls(name, url, work), args.sweep,
                                                              100 if not args.smoke else 10)
            if name == "sqlite":
                for leftover in work.glob("*.sqlite3*"):
                    leftover.unlink()
    write(results, Path(args.out))


def ratios(results: dict[str, Any]) -> dict[str, Any]:
    engine = results["engine"]
    out: dict[str, Any] = {}
    for name, db in results["databases"].items():
        base = db["scales"]["0"]
        engine_step_ms = base["engine_step_ms_alongside"]
        scales = sorted(int(s) for s in db["scales"] if s != "0")
        completes = {s: db["scales"][str(s)]["solo"]["complete"]["p95"] for s in scales}
        sweeps = db["sweep"]
        out[name] = {
            "write_path_vs_engine_with_saves": base["lifecycles_per_s"] / base.get(
                "engine_with_saves_alongside", engine["lifecycles_per_s_with_save_load"]),
            "engine_with_saves_alongside": base.get("engine_with_saves_alongside"),
            "write_path_vs_engine_in_memory": base["lifecycles_per_s"] / engine["lifecycles_per_s_in_memory"],
            "server_complete_ms_vs_engine_step_ms": base["solo"]["complete"]["server_p50"] / engine_step_ms,
            "engine_step_ms_alongside": engine_step_ms,
            "complete_p95_growth_largest_vs_smallest": (completes[scales[-1]] / completes[scales[0]]
                                                        if len(scales) > 1 else None),
            "sweep_growth": sweeps[-1]["sweep_s"] / sweeps[0]["sweep_s"] if len(sweeps) > 1 else None,
        }
    return out


def write(results: dict[str, Any], out: Path) -> None:
    results["ratios"] = ratios(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    out.with_suffix(".md").write_text(markdown(results))
    try:
        chart(results, out.with_suffix(".png"))
    except ImportError:
        print("matplotlib is not installed: no chart (pip install -e '.[bench]')")
    print(markdown(results))


def markdown(r: dict[str, Any]) -> str:
    e = r["engine"]
    steps = e["step_ms_load_run_save"]
    lines = [f"Run {r['when']} on {r['machine']['cpus']} CPUs, Python {r['machine']['python']}"
             f"{' (smoke sizes)' if r['smoke'] else ''}; gunicorn with 1 worker and "
             f"{r['settings']['concurrency']} threads, {r['settings']['concurrency']} concurrent clients.", "",
             "| lifecycles per second | value |", "|---|---|",
             f"| raw engine, in memory | {e['lifecycles_per_s_in_memory']:.1f} |",
             f"| raw engine, one state save+load per step | {e['lifecycles_per_s_with_save_load']:.1f} |"]
    for name, db in r["databases"].items():
        ratio = r["ratios"][name]
        lines.append(f"| service write path ({name}) | {db['scales']['0']['lifecycles_per_s']:.1f} "
                     f"({ratio['write_path_vs_engine_with_saves']:.0%} of the engine with saves measured "
                     f"alongside, {ratio['engine_with_saves_alongside'] or 0:.1f}) |")
    lines += ["", "| step | raw engine load+run+save (ms) | " + " | ".join(
        f"service's own time, {n} (ms, p50)" for n in r["databases"]) + " |",
        "|---|---|" + "---|" * len(r["databases"])]
    for step, ms in steps.items():
        kind = "open" if step == "open" else f"complete:{step}"
        cells = [f"{db['scales']['0']['solo'].get(kind, {}).get('server_p50', 0):.2f}"
                 for db in r["databases"].values()]
        lines.append(f"| {step} | {ms:.2f} | " + " | ".join(cells) + " |")
    lines += ["", "Database work per request (bench/roundtrips.py: statements the app sent; on PostgreSQL the round "
              "trips libpq waited for, BEGIN and COMMIT included):", "",
              "| request | " + " | ".join(f"{n} statements" + (" / round trips" if n == "postgresql" else "")
                                        for n in r["databases"]) + " |",
              "|---|" + "---|" * len(r["databases"])]
    kinds = next(iter(r["databases"].values())).get("round_trips", {})
    for kind in kinds:
        cells = []
        for n, db in r["databases"].items():
            counted = db.get("round_trips", {}).get(kind, {})
            cells.append(f"{counted.get('statements', '-')}" + (f" / {counted.get('round_trips', '-')}"
                                                                 if n == "postgresql" else ""))
        lines.append(f"| {kind.replace('complete:', 'complete ')} | " + " | ".join(cells) + " |")
    for name, db in r["databases"].items():
        for phase, title in (("solo", "one client"), ("latency", f"{r['settings']['concurrency']} clients, server "
                                                                  f"saturated (includes queueing)")):
            lines += ["", f"**{name}** latency in ms (p50 / p95 / p99), {title}, by cases already stored:", "",
                      "| stored cases | open case | list my tasks | get task | complete task |",
                      "|---|---|---|---|---|"]
            for scale, run in sorted(db["scales"].items(), key=lambda kv: int(kv[0])):
                lat = run[phase]
                cells = [f"{lat[k]['p50']:.1f} / {lat[k]['p95']:.1f} / {lat[k]['p99']:.1f}"
                         for k in ("open", "list_tasks", "get_task", "complete")]
                lines.append(f"| {int(scale):,} | " + " | ".join(cells) + " |")
        sweeps = ", ".join(f"{s['due']} due among {s['waiting']:,} waiting: {s['sweep_s'] * 1000:.0f} ms"
                           for s in db["sweep"])
        ratio = r["ratios"][name]
        growth = ratio["complete_p95_growth_largest_vs_smallest"]
        growth_text = f"Complete p95 growth from the smallest to the largest store: {growth:.2f}x. " if growth else ""
        # One sweep size (or one store size) has no growth to report.
        sweep_growth = f" (growth {ratio['sweep_growth']:.2f}x)" if ratio["sweep_growth"] is not None else ""
        lines += ["", f"Timer sweep: {sweeps}{sweep_growth}. {growth_text}"
                  f"Peak memory: web worker {max(run['web_worker_peak_mib'] for run in db['scales'].values()):.0f} "
                  f"MiB, timer worker {db['timer_worker_peak_mib']:.0f} MiB (a sweep firing "
                  f"{db['timer_sweep_fired']} timers). The service's own time per completion (one client, p50) / "
                  f"the raw engine's load+run+save per step, measured alongside "
                  f"({ratio['engine_step_ms_alongside']:.2f} ms): "
                  f"{ratio['server_complete_ms_vs_engine_step_ms']:.2f}x."]
    return "\n".join(lines) + "\n"


def chart(r: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    names = ["engine in memory", "engine + save/load"] + [f"service ({n})" for n in r["databases"]]
    values = [r["engine"]["lifecycles_per_s_in_memory"], r["engine"]["lifecycles_per_s_with_save_load"]] + [
        db["scales"]["0"]["lifecycles_per_s"] for db in r["databases"].values()]
    left.bar(names, values, color=["#9aa5b1", "#616e7c", *["#b42318", "#067647"][: len(r["databases"])]])
    left.set_ylabel("lifecycles per second")
    left.set_title("Write path: 6 requests per lifecycle")
    left.tick_params(axis="x", labelrotation=15)
    for name, db in r["databases"].items():
        scales = sorted(db["scales"], key=int)
        xs = [max(int(s), 1) for s in scales]
        right.plot(xs, [db["scales"][s]["solo"]["complete"]["p95"] for s in scales], marker="o",
                   label=f"complete p95 ({name})")
        right.plot(xs, [db["scales"][s]["solo"]["list_tasks"]["p95"] for s in scales], marker="s",
                   linestyle="--", label=f"list my tasks p95 ({name})")
    right.set_xscale("log")
    right.set_xlabel("cases already stored")
    right.set_ylabel("ms")
    right.set_title("Latency as the store grows")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
