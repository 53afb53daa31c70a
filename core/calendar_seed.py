"""Seed the special-day table from chinese-calendar for the years it has official data."""

from __future__ import annotations

from typing import Any

CHINESE_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def official_special_days(first_year: int) -> list[tuple[Any, str, str]]:
    """(date, kind, Chinese name) for every official day from `first_year` on."""
    import chinese_calendar

    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.year >= first_year:
            rows.append((day, "holiday", CHINESE_HOLIDAY_NAMES.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        if day.year >= first_year:
            label = CHINESE_HOLIDAY_NAMES.get(name, name)
            rows.append((day, "workday", f"{label}调休"))
    return sorted(rows)


def seed_special_days(special_day_model: Any, first_year: int = 2024) -> int:
    """Insert the official days not yet in the table; admin edits are never overwritten."""
    existing = set(special_day_model.objects.values_list("date", flat=True))
    new_rows = [
        special_day_model(date=day, kind=kind, name=name, source="official")
        for day, kind, name in official_special_days(first_year)
        if day not in existing
    ]
    special_day_model.objects.bulk_create(new_rows)
    return len(new_rows)
