"""A signal that lands inside a DuckDB statement still reads as an interrupt.

DuckDB catches the KeyboardInterrupt our handler raises mid-statement and raises its own
"Query interrupted" error, an ordinary Exception; `.ci/run` once logged such a SIGTERM as a
failed build (tests/test_kill.py, about one run in four when the signal came during the load).
"""

from __future__ import annotations

import os
import signal
import threading

import duckdb

from etl import stopping

LONG = "select count(*) from range(10000000000) t(i) where i % 7 = 3"  # minutes, unless stopped


def test_without_a_signal_an_error_is_a_failure_and_a_keyboard_interrupt_is_not():
    with stopping.stop_signals():
        assert stopping.interruption(ValueError("a bad file")) is None
        assert stopping.interruption(KeyboardInterrupt()) == "KeyboardInterrupt"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers restored


def test_sigterm_inside_a_duckdb_statement_is_remembered_as_the_reason():
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    with stopping.stop_signals():
        try:
            timer.start()
            duckdb.connect().execute(LONG).fetchall()
        except Exception as e:  # what build.py's handler sees
            assert not isinstance(e, KeyboardInterrupt)  # DuckDB's own "Query interrupted"
            assert stopping.interruption(e) == "terminated by signal 15"
        else:
            raise AssertionError("the statement ran to its end")
        finally:
            timer.join()
