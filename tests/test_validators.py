"""Checksums that separate real identifiers from look-alike numbers."""
from __future__ import annotations

import pytest

from preflight.matchers import validators as v


@pytest.mark.parametrize(
    "check,good,bad",
    [
        (v.card, "4111 1111 1111 1111", "4111 1111 1111 1112"),
        (v.iban, "NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 01"),
        (v.iban, "DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 01"),
        (v.bsn, "111222333", "111222334"),
        (v.cpr, "0707614285", "3113614285"),
        (v.personnummer, "811218-9876", "811218-9875"),
        (v.steuer_id, "86095742719", "86095742718"),
        (v.phone, "+44 20 7946 0958", "+44 20 7946"),
        (v.phone, "06 12345678", "2026-11-21"),
        (v.phone, "20 12 34 56", "12345678"),
    ],
)
def test_checksum_accepts_the_real_and_refuses_the_near_miss(check, good, bad):
    assert check(good)
    assert not check(bad)
