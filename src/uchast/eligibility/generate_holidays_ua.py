"""Generate ``holidays_ua.csv``, the public holidays of Ukraine shipped with this package.

Run from the repository root (as a module, so that the sibling ``calendar.py`` does not
shadow the standard library)::

    .venv/bin/python -m uchast.eligibility.generate_holidays_ua --write   # rewrite the
    file .venv/bin/python -m uchast.eligibility.generate_holidays_ua --check   # exit 1
    if stale

:class:`~uchast.eligibility.calendar.WorkingCalendar` reads only the CSV; this script is
how the CSV was made, kept so that a reviewer can check every row against the rules
below, and a test asserts that the shipped file equals what the script generates.

Rules (Labour Code of Ukraine, КЗпП, art. 73 "holidays and non-working days" and art.
67(3); recalled from the texts of the laws and checked against news reports of their
adoption -- re-check against zakon.rada.gov.ua whenever the law changes):

* Every year: 1 Jan New Year; 8 Mar International Women's Day; 1 May Labour Day (since
  2018 only 1 May, Law 2211-VIII of 16.11.2017, which also added 25 Dec); 28 Jun
  Constitution Day; 24 Aug Independence Day; 25 Dec Christmas; Orthodox Easter (Sunday)
  and Trinity (Sunday, Easter + 49 days) -- the last three are days of religious
  holidays.
* Until 2023: 7 Jan Christmas. Removed by the law of 14.07.2023 (bill 9431, in force at
  the end of July 2023), which left 25 Dec as the only Christmas, moved Defenders' Day
  from 14 Oct to 1 Oct and added 15 Jul, Day of Ukrainian Statehood, as a holiday. So
  2023 still has 7 Jan, has 1 Oct and not 14 Oct, and 15 Jul first appears in 2024.
* Until 2023: 9 May, Victory Day over Nazism in WWII. Law 3107-IX of 29.05.2023 (in
  force 15.06.2023) replaced it by 8 May, Day of Remembrance and Victory over Nazism in
  WWII 1939-1945; 9 May 2023 was still a holiday by law, 8 May is one from 2024.
* Defenders' Day was "День захисника України" until its renaming in 2021 ("День
  захисників і захисниць України").
* Art. 67(3): when a holiday falls on a Saturday or Sunday, the day off moves to the
  next working day (rows of kind ``substitute``; e.g. Sat 1 May + Sun 2 May 2021
  (Easter) gave Mon 3 and Tue 4 May).

Martial law (since 24.02.2022): art. 6 of Law 2136-IX "On the organisation of labour
relations under martial law" suspends art. 73 (and the art. 67(3) transfer), so holidays
are working days. That is *not* encoded here: the file states the peacetime law, and
each community's ``holidays_are_working_days`` switch decides.

Orthodox Easter is computed with the Julian computus (Meeus) and converted to the
Gregorian calendar by adding 13 days, valid for 1900-2099. The Orthodox Church of
Ukraine's move to the New Julian calendar (1 Sep 2023) kept the Julian Paschalion, so
Easter and Trinity dates are unchanged.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Final

FIRST_YEAR: Final[int] = 2020
LAST_YEAR: Final[int] = 2035
CSV_PATH: Final[Path] = Path(__file__).with_name("holidays_ua.csv")
FIELDS: Final[tuple[str, ...]] = ("date", "name_uk", "name_en", "kind")

# Julian dates are 13 days behind Gregorian ones from 1 Mar 1900 to 28 Feb 2100.
_JULIAN_TO_GREGORIAN_OFFSET: Final[timedelta] = timedelta(days=13)


def orthodox_easter(year: int) -> date:
    """Gregorian date of Orthodox Easter in ``year``. Precondition: 1900 <= year <= 2099."""
    if not 1900 <= year <= 2099:
        raise ValueError("the 13-day Julian offset is only valid for 1900-2099")
    golden = year % 19
    epact_like = (19 * golden + 15) % 30
    weekday_shift = (2 * (year % 4) + 4 * (year % 7) - epact_like + 34) % 7
    month, day_minus_one = divmod(epact_like + weekday_shift + 114, 31)
    return date(year, month, day_minus_one + 1) + _JULIAN_TO_GREGORIAN_OFFSET


def _fixed_holidays(year: int) -> list[tuple[date, str, str, str]]:
    rows: list[tuple[date, str, str, str]] = [
        (date(year, 1, 1), "Новий рік", "New Year's Day", "holiday"),
        (
            date(year, 3, 8),
            "Міжнародний жіночий день",
            "International Women's Day",
            "holiday",
        ),
        (date(year, 5, 1), "День праці", "Labour Day", "holiday"),
        (date(year, 6, 28), "День Конституції України", "Constitution Day", "holiday"),
        (date(year, 8, 24), "День незалежності України", "Independence Day", "holiday"),
        (date(year, 12, 25), "Різдво Христове", "Christmas", "religious"),
    ]
    if year <= 2023:
        rows.append((date(year, 1, 7), "Різдво Христове", "Christmas (Julian)", "religious"))
        rows.append(
            (
                date(year, 5, 9),
                "День перемоги над нацизмом у Другій світовій війні (День перемоги)",
                "Victory Day over Nazism in World War II",
                "holiday",
            )
        )
    else:
        rows.append(
            (
                date(year, 5, 8),
                "День пам'яті та перемоги над нацизмом у Другій світовій війні 1939-1945 років",
                "Day of Remembrance and Victory over Nazism in World War II 1939-1945",
                "holiday",
            )
        )
        rows.append(
            (
                date(year, 7, 15),
                "День Української Державності",
                "Ukrainian Statehood Day",
                "holiday",
            )
        )
    defenders_uk = "День захисника України" if year <= 2020 else "День захисників і захисниць України"
    defenders_day = date(year, 10, 14) if year <= 2022 else date(year, 10, 1)
    rows.append((defenders_day, defenders_uk, "Defenders' Day", "holiday"))
    return rows


def holidays_of(year: int) -> list[tuple[date, str, str, str]]:
    """All rows for ``year`` (holidays and their substitute days off), sorted by date."""
    easter = orthodox_easter(year)
    rows = _fixed_holidays(year)
    rows.append((easter, "Великдень (Пасха)", "Easter", "religious"))
    rows.append((easter + timedelta(days=49), "Трійця", "Trinity", "religious"))
    rows.sort()
    taken = {row[0] for row in rows}
    substitutes: list[tuple[date, str, str, str]] = []
    for day, name_uk, name_en, _kind in rows:
        if day.weekday() < 5:
            continue
        candidate = day + timedelta(days=1)
        # Two holidays on one weekend (2021: 1 May + Easter) push the second substitute
        # on.
        while candidate.weekday() >= 5 or candidate in taken:
            candidate += timedelta(days=1)
        taken.add(candidate)
        substitutes.append(
            (
                candidate,
                f"Перенесений вихідний: {name_uk}",
                f"Day off in lieu of: {name_en}",
                "substitute",
            )
        )
    return sorted(rows + substitutes)


def render_csv(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> str:
    """The CSV text for ``first_year``..``last_year`` inclusive, with ``\\n`` line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for year in range(first_year, last_year + 1):
        for day, name_uk, name_en, kind in holidays_of(year):
            writer.writerow((day.isoformat(), name_uk, name_en, kind))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command line entry: ``--write`` rewrites the CSV, ``--check`` compares, else print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="rewrite holidays_ua.csv")
    group.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    arguments = parser.parse_args(argv)
    text = render_csv()
    if arguments.write:
        CSV_PATH.write_text(text, encoding="utf-8")
        return 0
    if arguments.check:
        current = CSV_PATH.read_text(encoding="utf-8") if CSV_PATH.exists() else ""
        return 0 if current == text else 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
