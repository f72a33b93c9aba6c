"""Write the mirror's article pages as a labelled set (shared/eval/LABELS.md layout) for scoring extractors.

    python -m newscrawl.mirror.export OUT_DIR [--articles N] [--seed S]

OUT_DIR gets labels.jsonl and pages/<id>.html (the raw bytes the mirror serves, in their charset).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.mirror.site import MirrorSite
from newscrawl.yybnet import DEFAULT_BASE_URL

LABEL_FIELDS = ("title", "subtitle", "source", "published_at", "authors", "editors", "body")


def export_labelled_set(site: MirrorSite, out_dir: Path, base_url: str = DEFAULT_BASE_URL) -> int:
    pages = out_dir / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    with (out_dir / "labels.jsonl").open("w", encoding="utf-8") as labels:
        for row in site.truth_rows(base_url):
            page_id = row["article_key"].replace("/", "-")
            response = site.respond("GET", urlsplit(row["url"]).path, {"Host": urlsplit(base_url).netloc})
            if response.status != 200:
                raise RuntimeError(f"mirror answered {response.status} for {row['url']}")
            (pages / f"{page_id}.html").write_bytes(response.body)
            label = {"id": page_id, "path": f"pages/{page_id}.html", "url": row["url"], "template": row["template"]}
            label.update({name: row[name] for name in LABEL_FIELDS})
            labels.write(json.dumps(label, ensure_ascii=False) + "\n")
    return len(site.articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    count = export_labelled_set(MirrorSite(articles=args.articles, seed=args.seed), args.out_dir)
    print(f"wrote {count} labelled pages to {args.out_dir}")


if __name__ == "__main__":
    main()
