from datetime import date

import pytest

from motorobs.trends.age import AgeError, calendar_months, months_and_days, session_age


def test_term_birth_corrected_equals_chronological():
    age = session_age(date(2024, 5, 15), date(2024, 1, 15), date(2024, 1, 20))
    assert not age.preterm
    assert age.chronological_days == age.corrected_days == 121
    assert age.chronological_months == age.corrected_months == 4.0
    assert age.age_for_norms_months == 4.0 and not age.uses_corrected


def test_no_due_date_means_no_correction():
    age = session_age(date(2024, 3, 1), date(2024, 1, 1))
    assert age.corrected_days == age.chronological_days == 60
    assert age.gestation_days is None


def test_preterm_corrected_age_counts_from_due_date():
    # born 2024-01-10 at 32 weeks: due 8 weeks (56 days) later, 2024-03-06
    age = session_age(date(2024, 7, 6), date(2024, 1, 10), date(2024, 3, 6))
    assert age.preterm and age.gestation_days == 32 * 7
    assert age.chronological_days == 178
    assert age.corrected_days == 178 - 56 == 122
    assert age.corrected_months == 4.0  # 6 March -> 6 July
    assert age.uses_corrected and age.age_for_norms_months == 4.0
    assert age.corrected_text == "4 mo 0 d"


def test_37_weeks_is_term_36_weeks_preterm():
    birth = date(2024, 1, 1)
    assert not session_age(date(2024, 6, 1), birth, date(2024, 1, 22)).preterm  # 37+0
    assert session_age(date(2024, 6, 1), birth, date(2024, 1, 23)).preterm  # 36+6


def test_month_end_and_leap_year():
    # born 31 January 2024 (leap year): one month old on 29 February
    assert calendar_months(date(2024, 1, 31), date(2024, 2, 29)) == 1.0
    # in 2023 (no leap day) on 28 February
    assert calendar_months(date(2023, 1, 31), date(2023, 2, 28)) == 1.0
    # half-way through the month after the anniversary: 29 Feb -> 31 Mar is 31 days
    assert calendar_months(date(2024, 1, 31), date(2024, 3, 15)) == pytest.approx(
        1 + 15 / 31)
    # a year across the leap day
    assert calendar_months(date(2024, 2, 29), date(2025, 2, 28)) == 12.0
    assert months_and_days(date(2024, 1, 31), date(2024, 3, 1)) == "1 mo 1 d"


def test_preterm_across_month_end_and_leap_day():
    # born 2023-12-20 at 30 weeks -> due 2024-02-28; session 2024-03-31
    age = session_age(date(2024, 3, 31), date(2023, 12, 20), date(2024, 2, 28))
    assert age.corrected_days == 32
    assert age.corrected_months == pytest.approx(1 + 3 / 31)  # 28 Mar anniversary
    assert age.chronological_days == 102


def test_negative_corrected_age_before_due_date():
    age = session_age(date(2024, 2, 1), date(2024, 1, 1), date(2024, 3, 1))
    assert age.corrected_days == -29
    assert age.corrected_months == pytest.approx(-1.0)


def test_corrected_age_used_until_24_months_chronological():
    birth, due = date(2022, 1, 1), date(2022, 3, 1)
    before = session_age(date(2023, 12, 31), birth, due)
    after = session_age(date(2024, 1, 1), birth, due)
    assert before.uses_corrected and before.age_for_norms_months == before.corrected_months
    assert not after.uses_corrected and after.age_for_norms_months == 24.0


@pytest.mark.parametrize(("session", "due", "words"), [
    (date(2023, 12, 31), None, "before the birth date"),
    (date(2024, 6, 1), date(2024, 9, 1), "weeks of gestation"),
    (date(2024, 6, 1), date(2023, 11, 1), "after the due date"),
])
def test_absurd_dates_are_clear_errors(session, due, words):
    with pytest.raises(AgeError, match=words):
        session_age(session, date(2024, 1, 1), due)
