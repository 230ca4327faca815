"""Confidence 0–100 that an indicator is bad, from what the viewer can see of it.

    corroboration = 1 - 0.6 ** distinct_orgs          (1 org 0.40, 2 → 0.64, 3 → 0.78, 5 → 0.92)
    volume        = min(1, ln(1 + sightings) / ln(21)) (saturates at 20 sightings)
    harm          = highest classifier harm (1 - P(benign)) among the reports
    base          = 0.45 * corroboration + 0.20 * volume + 0.35 * harm
    decay         = 0.5 ** (days since last seen / half_life_days)   (half-life 90 days)
    confidence    = round(100 * base * decay)

Independent organisations weigh most because one member's repeated reports are weaker evidence
than several members seeing the same number; decay lets stale numbers (recycled SIMs) fade.
"""

from __future__ import annotations

import math
from datetime import datetime

HALF_LIFE_DAYS = 90.0


def confidence(
    orgs: int,
    sightings: int,
    harm: float,
    last_seen: datetime | None,
    now: datetime,
    half_life_days: float = HALF_LIFE_DAYS,
) -> int:
    """Confidence 0–100 from distinct organisations, sightings, classifier harm and age; 0 when unseen."""
    if sightings <= 0 or orgs <= 0 or last_seen is None:
        return 0
    corroboration = 1.0 - 0.6**orgs
    volume = min(1.0, math.log1p(sightings) / math.log(21))
    base = 0.45 * corroboration + 0.20 * volume + 0.35 * min(1.0, max(0.0, harm))
    age_days = max(0.0, (now - last_seen).total_seconds() / 86400)
    return max(0, min(100, round(100 * base * 0.5 ** (age_days / half_life_days))))
