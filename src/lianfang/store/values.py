"""How an indicator value is stored: canonical form, keyed HMAC for personal data, masking and sealing.

Personal types (id_card, bank_card, and phones a report marks as the victim's) never reach the
database in clear: `value` holds HMAC-SHA256(Settings.hmac_key, "type:canonical"), `display` a
masked form, and `sealed` an AES-GCM ciphertext that only the police role may open.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from Crypto.Cipher import AES

from lianfang.errors import InputError
from lianfang.taxonomy import PERSONAL_TYPES, IndicatorType

VICTIM = "victim"
SUBJECT = "subject"


@dataclass(frozen=True, slots=True)
class StoredValue:
    """An indicator as the store keeps it: `key` = "type:value" for indexes, `value` maybe an HMAC."""

    type: IndicatorType
    value: str
    display: str
    personal: bool
    canonical: str

    @property
    def key(self) -> str:
        """ "type:value" — the string the lookup index and allow-lists use."""
        return f"{self.type.value}:{self.value}"


@dataclass(frozen=True, slots=True)
class Secrets:
    """Keys derived from Settings.hmac_key: one for the HMAC, one for sealing (domain-separated)."""

    hmac_key: bytes
    seal_key: bytes

    @classmethod
    def from_setting(cls, hmac_key: str) -> Secrets:
        """Derive both keys from the configured secret string."""
        base = hmac_key.encode()
        return cls(
            hmac_key=hashlib.sha256(b"lianfang-hmac:" + base).digest(),
            seal_key=hashlib.sha256(b"lianfang-seal:" + base).digest(),
        )


def parse_type(name: str) -> IndicatorType:
    """IndicatorType from its name; raises InputError listing the valid names."""
    try:
        return IndicatorType(name)
    except ValueError:
        valid = ", ".join(t.value for t in IndicatorType)
        raise InputError(f"unknown indicator type {name!r}; valid: {valid}") from None


def is_personal(type_: IndicatorType, role: str) -> bool:
    """True when values of this type (in this sighting role) must be hashed and masked."""
    return type_ in PERSONAL_TYPES or (type_ is IndicatorType.PHONE and role == VICTIM)


def mask(type_: IndicatorType, text: str) -> str:
    """Mask the digits of a personal value, keeping its length: first 6/last 4 of cards, 3/4 of phones."""
    digits = [i for i, ch in enumerate(text) if ch.isalnum()]
    keep_head, keep_tail = (3, 4) if type_ is IndicatorType.PHONE else (6, 4)
    if len(digits) <= keep_head + keep_tail:
        keep_head, keep_tail = 1, 1
    hidden = set(digits[keep_head : len(digits) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def stored(secrets: Secrets, type_: IndicatorType, canonical: str, role: str = SUBJECT) -> StoredValue:
    """The stored form of a canonical value: HMAC + masked display for personal data, else itself."""
    if not is_personal(type_, role):
        return StoredValue(type_, canonical, canonical, False, canonical)
    digest = hmac.new(secrets.hmac_key, f"{type_.value}:{canonical}".encode(), hashlib.sha256).hexdigest()
    shown = mask(type_, canonical[3:] if type_ is IndicatorType.PHONE else canonical)
    return StoredValue(type_, "h:" + digest, shown, True, canonical)


def seal(secrets: Secrets, plain: str) -> bytes:
    """Encrypt `plain` with AES-256-GCM; output = nonce(12) + tag(16) + ciphertext."""
    nonce = os.urandom(12)
    cipher = AES.new(secrets.seal_key, AES.MODE_GCM, nonce=nonce)
    body, tag = cipher.encrypt_and_digest(plain.encode())
    return nonce + tag + body


def unseal(secrets: Secrets, blob: bytes) -> str:
    """Decrypt a `seal` output; raises ValueError when the key is wrong or the blob was altered."""
    cipher = AES.new(secrets.seal_key, AES.MODE_GCM, nonce=blob[:12])
    return cipher.decrypt_and_verify(blob[28:], blob[12:28]).decode()
