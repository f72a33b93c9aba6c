"""The extraction benchmark runs on any labelled set and says clearly when an anchor tool is missing."""

import builtins

import pytest

from newscrawl.bench import bench_extract
from newscrawl.mirror.export import export_labelled_set
from newscrawl.mirror.site import MirrorSite


def test_newscrawl_alone_on_a_labelled_mirror_set(tmp_path):
    export_labelled_set(MirrorSite(articles=6, seed=2), tmp_path)
    table = bench_extract(tmp_path, ["newscrawl"])
    row = next(line for line in table.splitlines() if line.startswith("newscrawl"))
    scores = [float(cell) for cell in row.split()[1:8]]
    assert scores == [1.0] * 7, table
    assert "pages: 6" in table


def test_a_missing_anchor_tool_names_the_extra(tmp_path, monkeypatch):
    export_labelled_set(MirrorSite(articles=2, seed=2), tmp_path)
    real_import = builtins.__import__

    def no_trafilatura(name, *args, **kwargs):
        if name.startswith("trafilatura"):
            raise ImportError("No module named 'trafilatura'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_trafilatura)
    with pytest.raises(SystemExit, match=r"\.\[bench\]"):
        bench_extract(tmp_path, ["newscrawl", "trafilatura"])
