"""The config file's tables ([errors], [stuck], [tws]): read as said, refused whole if an entry is bad."""

from __future__ import annotations

import pytest

from blotter.cli import main
from blotter.config import load
from blotter.domain.messages import Effect, code_effects


def test_an_errors_table_is_read_as_what_each_code_does(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[errors]\n10349 = "info"\n201 = "KEEPS"\n', encoding="utf-8")
    assert code_effects(load(path).errors) == {10349: Effect.INFO, 201: Effect.KEEPS}


@pytest.mark.parametrize("table, said", [('abc = "info"', "'abc' is not an error code"),
                                         ('399 = "loud"', "399 = 'loud': say one of info, warning, keeps, fatal")])
def test_a_bad_errors_entry_is_one_line_and_exit_2(tmp_path, capsys, table, said):
    path = tmp_path / "config.toml"
    path.write_text(f"[errors]\n{table}\n", encoding="utf-8")
    assert main(["--config", str(path), "--headless"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err and str(path) in err


def test_a_bad_stuck_entry_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text("[stuck]\npending = -1\n", encoding="utf-8")
    assert main(["--config", str(path), "--headless"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "[stuck] pending = -1" in err


def test_the_restart_time_of_tws_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[tws]\nrestart = "23:45"\n', encoding="utf-8")
    assert load(path).tws == {"restart": "23:45"}


@pytest.mark.parametrize("table", ['restart = "25:00"', 'restart = 2345', 'reboot = "23:45"'])
def test_a_bad_tws_entry_is_one_line_and_exit_2(tmp_path, capsys, table):
    path = tmp_path / "config.toml"
    path.write_text(f"[tws]\n{table}\n", encoding="utf-8")
    assert main(["--config", str(path), "--headless"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and '[tws]' in err and 'restart = "HH:MM"' in err
