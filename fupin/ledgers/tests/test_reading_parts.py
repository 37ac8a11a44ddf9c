"""A CSV read in parts (bounded parser memory) gives exactly the table read whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin.ledgers.services import reading


def test_parts_cut_only_at_record_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["户编号,姓名,身份证号,与户主关系,村(社区)代码,组\n"]
    for i in range(40):
        # A quoted cell with a line break and a doubled quote: a cut inside it would break rows.
        lines.append(f'BJ{i:04d},"张""\n三{i}",1101011990010{i:05d},户主,500236001001,{i}组\n')
        if i in (5, 6):
            lines.append("\n")  # blank lines are not rows
    path = tmp_path / "ledger.csv"
    path.write_text("".join(lines), encoding="utf-8")
    whole = reading.read_ledger(path)
    monkeypatch.setattr(reading, "CSV_PART_BYTES", 64)
    assert len(reading._csv_parts(path.read_bytes())) > 10
    parted = reading.read_ledger(path)
    assert parted.df.height == whole.df.height == 40
    assert parted.df.equals(whole.df)
    assert parted.df.get_column("姓名").to_list()[3] == '张"\n三3'
    assert parted.df.get_column(reading.ROW).to_list()[:8] == whole.df.get_column(reading.ROW).to_list()[:8]
