"""Check labelled report files: fields, codes and no duplicate text. Exit 1 with the problems."""
from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "app" / "routing" / "data"
FIELDS = {"id", "channel", "text", "address", "police", "category", "township", "place", "borderline"}
CHANNELS = {"110", "12345", "online", "market", "walk_in"}
PLACES = {"town", "community", "village", "landmark", "none"}


def main(paths: list[str]) -> int:
    cats = json.loads((DATA / "categories.json").read_text(encoding="utf-8"))
    police_groups = {g["code"] for g in cats["groups"] if g.get("police")}
    leaves = {leaf["code"]: leaf["group"] in police_groups for leaf in cats["leaves"]}
    towns = {t["code"] for c in json.loads((DATA / "jiaxing.json").read_text(encoding="utf-8"))["counties"]
             for t in c["townships"]}
    problems, seen, counts = [], set(), {}
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path}:{n}"
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                problems.append(f"{where}: not JSON ({exc})")
                continue
            if set(row) != FIELDS:
                problems.append(f"{where}: fields {sorted(set(row) ^ FIELDS)}")
                continue
            if row["category"] not in leaves:
                problems.append(f"{where}: unknown category {row['category']}")
            elif leaves[row["category"]] != row["police"]:
                problems.append(f"{where}: police={row['police']} disagrees with {row['category']}")
            if row["channel"] not in CHANNELS:
                problems.append(f"{where}: channel {row['channel']}")
            if row["place"] not in PLACES:
                problems.append(f"{where}: place {row['place']}")
            if (row["township"] is None) != (row["place"] == "none"):
                problems.append(f"{where}: township {row['township']} with place {row['place']}")
            if row["township"] is not None and row["township"] not in towns:
                problems.append(f"{where}: unknown township {row['township']}")
            if not isinstance(row["text"], str) or len(row["text"]) < 6:
                problems.append(f"{where}: text too short")
            if row["text"] in seen:
                problems.append(f"{where}: duplicate text")
            seen.add(row["text"])
            counts[row.get("category")] = counts.get(row.get("category"), 0) + 1
    print("\n".join(problems) or "ok")
    print(json.dumps(dict(sorted(counts.items())), ensure_ascii=False))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
