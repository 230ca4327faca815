"""Phone number → province of China, for the situational-awareness map."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import geocoder

# Province names exactly as the vendored ECharts China map (ui/static/vendor/china.json) spells them.
PROVINCES: tuple[str, ...] = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)


@lru_cache(maxsize=65536)
def province_of_phone(canonical: str) -> str | None:
    """Return the map province of a canonical `+86…` number, or None when unknown or not Chinese."""
    try:
        number = phonenumbers.parse(canonical, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86:
        return None
    place = geocoder.description_for_number(number, "zh")
    return next((p for p in PROVINCES if place.startswith(p)), None)
