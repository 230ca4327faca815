"""pii_exposure checker: validated, unmasked personal numbers over thresholds."""

from __future__ import annotations

from stdnum import luhn
from stdnum.cn import ric

from lianfang.web.checks.pii_exposure import PiiExposureCheck, mask
from lianfang.web.page import parse_page


def ident(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


def run(body: str) -> list:
    return list(PiiExposureCheck().check(parse_page(f"<html><body>{body}</body></html>")))


def test_valid_ids_are_counted_and_masked_in_evidence() -> None:
    ids = [ident("11010119900307123"), ident("11010119851231456")]
    found = run("".join(f"<p>{i}</p>" for i in ids))
    assert found[0].count == 2 and found[0].detail == "id_card"
    assert ids[0] not in found[0].evidence and mask(ids[0]) in found[0].evidence


def test_bad_checksums_and_masked_ids_are_ignored() -> None:
    good = ident("11010119900307123")
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert run(f"<p>{broken}</p><p>110101********1234</p><p>1101011990****1234</p>") == []


def test_bank_cards_need_two_or_context() -> None:
    card = "621700123456789012" + luhn.calc_check_digit("621700123456789012")
    other = "622848001234567890" + luhn.calc_check_digit("622848001234567890")
    assert run(f"<p>订单 {card}</p>") == []
    assert run(f"<p>银行卡号：{card}</p>")[0].detail == "bank_card"
    assert run(f"<p>{card}</p><p>{other}</p>")[0].count == 2


def test_phone_lists_not_single_contacts() -> None:
    assert run("<p>联系：13812345678、13998765432</p>") == []
    phones = "".join(f"<li>13{i}12345678</li>" for i in range(3, 9))
    assert run(f"<ul>{phones}</ul>")[0].count == 6
