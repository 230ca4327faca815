"""ID card numbers: province, birth date and GB 11643 check digit must all hold."""

from __future__ import annotations

from stdnum.cn import ric

from lianfang.indicators.extract import extract, extract_with_rejections
from lianfang.taxonomy import IndicatorType


def id_number(body17: str) -> str:
    # stdnum wants a placeholder in the check position and ignores it.
    return body17 + ric.calc_check_digit(body17 + "0")


def test_valid_id_with_lowercase_x_is_canonical_upper() -> None:
    number = "11010519491231002X"
    (item,) = extract(f"身份证{number.lower()}")
    assert (item.type, item.value) == (IndicatorType.ID_CARD, number)


def test_spaced_id() -> None:
    number = id_number("43010420021010846")
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    assert [i.value for i in extract(spaced)] == [number]


def test_bad_checksum_date_and_province() -> None:
    good = id_number("44030619900101123")
    bad_sum = good[:-1] + ("0" if good[-1] != "0" else "1")
    bad_date = id_number("44030619901301123")  # month 13
    bad_prov = id_number("99030619900101123")
    for number, reason in ((bad_sum, "bad check digit"), (bad_date, "invalid birth date")):
        found, rejected = extract_with_rejections(f"身份证号 {number}")
        assert found == [] and [r.reason for r in rejected] == [reason]
    assert extract(bad_prov) == []
