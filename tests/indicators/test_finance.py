"""Bank cards (Luhn + issuer prefix), TRC20 (base58check) and ETH (EIP-55)."""

from __future__ import annotations

from stdnum import luhn

from lianfang.indicators.extract import extract, extract_with_rejections
from lianfang.indicators.finance import is_valid_eth, is_valid_trc20
from lianfang.taxonomy import IndicatorType

USDT_CONTRACT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"  # a real, published Tron address
EIP55 = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  # test vector of EIP-55


def card(prefix: str, length: int) -> str:
    body = prefix + "0" * (length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def test_bank_card_with_valid_luhn() -> None:
    number = card("622202", 19)
    spaced = " ".join(number[i:i + 4] for i in range(0, 19, 4))
    (item,) = extract(f"卡号 {spaced}")
    assert (item.type, item.value, item.raw) == (IndicatorType.BANK_CARD, number, spaced)


def test_bad_luhn_is_rejected_not_reported() -> None:
    number = card("622202", 19)
    bad = number[:-1] + str((int(number[-1]) + 1) % 10)
    found, rejected = extract_with_rejections(f"卡号{bad}")
    assert found == []
    assert [r.type for r in rejected] == [IndicatorType.BANK_CARD]


def test_unknown_issuer_and_order_numbers_are_not_cards() -> None:
    assert extract(card("1234", 16)) == []  # Luhn-valid but no issuer starts with 1
    assert extract(f"订单号 {card('622202', 19)}") == []


def test_trc20() -> None:
    assert is_valid_trc20(USDT_CONTRACT)
    assert not is_valid_trc20(USDT_CONTRACT[:-1] + "u")
    (item,) = extract(f"收款地址 {USDT_CONTRACT} 只收U")
    assert (item.type, item.value) == (IndicatorType.USDT_TRC20, USDT_CONTRACT)
    found, rejected = extract_with_rejections(USDT_CONTRACT[:-1] + "u")
    assert found == [] and rejected[0].reason == "bad base58check checksum"


def test_eth_checksum() -> None:
    assert is_valid_eth(EIP55)
    assert is_valid_eth(EIP55.lower())
    broken = EIP55[:3] + EIP55[3].swapcase() + EIP55[4:]
    assert not is_valid_eth(broken)
    (item,) = extract(f"ETH: {EIP55}")
    assert item.value == EIP55.lower()
    assert extract(broken) == []
