"""The `newscrawl` command: the extract contract of shared/eval/score.py, and db upgrade."""

import json
import subprocess
import sys

from fixture_cases import FIXTURES
from newscrawl import migrate
from newscrawl.cli import main


def test_extract_manifest_answers_every_line_and_survives_a_bad_one(tmp_path, capsys):
    case = FIXTURES / "gbk_table_layout_meta_charset"
    url = json.loads((case / "meta.json").read_text(encoding="utf-8"))["url"]
    manifest = tmp_path / "manifest.jsonl"
    lines = [
        {"id": "good", "path": str(case / "page.html"), "url": url},
        {"id": "missing", "path": str(tmp_path / "nope.html"), "url": None},
        {"id": "empty", "path": str(tmp_path / "empty.html"), "url": None},
    ]
    (tmp_path / "empty.html").write_bytes(b"")
    manifest.write_text("\n".join([*(json.dumps(line) for line in lines), '{"id": "no-path"}', "not json"]), encoding="utf-8")

    assert main(["extract", "--manifest", str(manifest)]) == 0
    answers = {a["id"]: a for a in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(answers) == {"good", "missing", "empty", "no-path", None}
    assert answers["good"]["title"] == "寿光蔬菜博览会开幕 展期持续一个月"  # GBK bytes, charset only in <meta>
    assert answers["good"]["published_at"] == "2016-04-20T10:05:00+08:00"
    assert "error" in answers["missing"] and "error" in answers["empty"]


def test_extract_one_page_prints_the_item(capsys):
    case = FIXTURES / "mobile_old_slogan_lead_byline"
    assert main(["extract", str(case / "page.html"), "--url", "http://m.yybnet.net/zibo/news/201405/5012345.html"]) == 0
    item = json.loads(capsys.readouterr().out)
    assert item["article_key"] == "zibo/news/5012345" and item["authors"] == ["孙文昭", "薛萍"]


def test_db_upgrade_command_creates_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = subprocess.run([sys.executable, "-m", "newscrawl.cli", "db", "upgrade", "--url", url], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"at revision {migrate.head_revision()}" in done.stdout
