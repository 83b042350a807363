"""A child's trend report: HTML (pure) and its PDF (WeasyPrint, no browser).

The report shows the child's code, the chronological and corrected age at each session,
one plot per headline metric over age (points sized by coverage, gaps with their reasons,
marked values), the flags with their rule ids and sources, and the caveats of the method.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pandas as pd

from motorobs.trends.flags import Flag
from motorobs.trends.headlines import HEADLINES
from motorobs.trends.marks import Note
from motorobs.trends.plot import trend_chart
from motorobs.trends.programme import ProgrammeWeek

CAVEATS = (
    "motorobs is a screening aid for therapists, not a diagnosis. A flag is a prompt to look "
    "at the clips it names, never a finding on its own.",
    "Each value comes from a short 2-D home video: depth is lost, hidden limbs are guessed, "
    "and the pose models were trained on adults. Coverage says how much of the clip a metric "
    "could see; a gap means it was not measured, not that the behaviour was absent.",
    "Ages are in calendar months; for an infant born before 37 weeks the corrected age (from "
    "the due date) is used until 24 months chronological.",
    "Norms and thresholds come from the literature notes (metrics-notes.md); many are our "
    "own proposals [I] to be checked against the child's clinical picture.",
)
STYLE = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: sans-serif; font-size: 10pt; color: #222; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2pt 5pt; }
th { background: #f3f4f6; text-align: left; } .metric { page-break-inside: avoid; }
.note { color: #57606a; font-size: 8.5pt; } svg.trend { width: 100%; height: auto; }
"""


def sessions_table(frame: pd.DataFrame) -> str:
    """Each clip of ``frame``: date, chronological and corrected age, which one the norms
    use, view and posture."""
    sessions = frame.drop_duplicates("clip")[["session_date", "clip", "chronological_days",
                                              "chronological_months", "corrected_days",
                                              "corrected_months", "age_basis", "view",
                                              "posture"]]
    rows = "".join(
        f"<tr><td>{escape(r.session_date)}</td><td>{escape(r.clip)}</td>"
        f"<td>{r.chronological_months:.1f} mo ({r.chronological_days} d)</td>"
        f"<td>{r.corrected_months:.1f} mo ({r.corrected_days} d)</td>"
        f"<td>{escape(r.age_basis)}</td><td>{escape(r.view)}</td>"
        f"<td>{escape(r.posture)}</td></tr>" for r in sessions.itertuples())
    return ("<table><tr><th>session</th><th>clip</th><th>chronological age</th>"
            "<th>corrected age</th><th>norms read at</th><th>view</th><th>posture</th></tr>"
            f"{rows}</table>")


def _metric_section(frame: pd.DataFrame, key: str, label: str, number: int) -> str:
    rows = frame[frame["key"] == key]
    units = rows.loc[rows["unit"] != "", "unit"]
    gaps = rows[rows["role"] == "gap"]
    numbers = {index: i + 1 for i, index in enumerate(gaps.index)}
    chart = trend_chart(rows, title=label, unit=units.iloc[0] if len(units) else "",
                        chart_id=f"trend-{number}", gap_numbers=numbers)
    notes = [f"{numbers[i]}. {escape(r['session_date'])} ({escape(r['clip'])}): not "
             f"measured: {escape(r['gap_reason'])}" for i, r in gaps.iterrows()]
    notes += [f"\N{MULTIPLICATION SIGN} {escape(r.session_date)} ({escape(r.clip)}): "
              f"{r.value:.3g} marked untrustworthy by {escape(r.marked_by)} on "
              f"{escape(r.marked_at)}: {escape(r.mark_reason)}"
              for r in rows[rows["role"] == "marked"].itertuples()]
    other = rows[rows["role"] == "other_view"]
    if len(other):
        notes.append(f"{len(other)} clip(s) left out: {escape(other['gap_reason'].iloc[0])}")
    note_html = "".join(f"<div class='note'>{n}</div>" for n in notes)
    return f"<div class='metric'>{chart}{note_html}</div>"


def trend_sections(frame: pd.DataFrame) -> str:
    """One plot per headline metric with its notes (gaps, marked values, other views), for
    every metric some clip of ``frame`` (one child's rows) could measure."""
    return "".join(_metric_section(frame, h.key, h.label, i)
                   for i, h in enumerate(HEADLINES)
                   if (frame.loc[frame["key"] == h.key, "role"] != "other_view").any())


def _number(value: float) -> str:
    return f"{value:.3g}"


def programme_table(weeks: Sequence[ProgrammeWeek]) -> str:
    """The home programme week by week (:func:`motorobs.trends.programme.weekly_practice`):
    minutes each activity was seen in the week's clips, against the goal."""
    if not weeks:
        return "<p>No analysed clips yet.</p>"
    labels = [a.label for a in weeks[0].activities]
    head = "".join(f"<th>{escape(label)}</th>" for label in labels)
    rows = []
    for week in weeks:
        cells = []
        for a in week.activities:
            text = f"{_number(a.recorded_min)} min in {a.measured} clip(s)"
            if a.goal_min is not None:
                text += (f"; goal {_number(a.goal_min)} min a week "
                         f"({_number(a.goal_min_per_day)} a day)"
                         + (": below the goal in the clips" if a.below_goal else ""))
            if a.not_measured:
                text += f"; not measured in {len(a.not_measured)}: " + "; ".join(
                    a.not_measured)
            cells.append(f"<td>{escape(text)}</td>")
        rows.append(f"<tr><td>{escape(week.week)}</td><td>{len(week.clips)}</td>"
                    f"{''.join(cells)}</tr>")
    return (f"<table class='programme'><tr><th>week of</th><th>clips</th>{head}</tr>"
            f"{''.join(rows)}</table><p class='note'>The clips show only what was filmed: "
            "a week's minutes may be far below what the family practised.</p>")


def review_list(frame: pd.DataFrame, notes: Sequence[Note]) -> str:
    """The therapist's review: the marked measurements (who, when, why) and the notes."""
    marked = frame[frame["marked"].astype(bool)]
    items = [f"<li>{escape(r.session_date)} {escape(r.clip)}: {escape(r.label)} marked "
             f"untrustworthy by {escape(r.marked_by)} on {escape(r.marked_at)}: "
             f"{escape(r.mark_reason)}</li>" for r in marked.itertuples()]
    items += [f"<li>{escape(n.clip)}: note by {escape(n.by)} on {escape(n.at)}: "
              f"{escape(n.text)}</li>" for n in notes]
    if not items:
        return "<p>No notes or marks.</p>"
    return f"<ul class='review'>{''.join(items)}</ul>"


def flag_list(flags: Sequence[Flag]) -> str:
    """The flags as a list: each one's words, rule id and version, and reference."""
    if not flags:
        return "<p>No rule raised a flag on the measured sessions.</p>"
    items = "".join(f"<li>{escape(f.text)}<div class='note'>rule {escape(f.rule_id)} "
                    f"v{escape(f.rule_version)}; {escape(f.reference)}</div></li>"
                    for f in flags)
    return f"<ul>{items}</ul>"


def child_report_html(child: str, frame: pd.DataFrame, flags: Sequence[Flag],
                      rules_version: str = "", *, notes: Sequence[Note] | None = None,
                      programme: Sequence[ProgrammeWeek] | None = None) -> str:
    """The trend report of ``child`` as a self-contained HTML page.

    Parameters
    ----------
    child
        The child's code.
    frame
        The child's rows of the sessions table (:mod:`motorobs.trends.sessions`).
    flags
        The child's flags.
    rules_version
        Version of the rules file, shown with the flags.
    notes
        The therapist's notes on the clips: with them (even none), a section lists the
        notes and the marked measurements.
    programme
        The home programme week by week: with it, a section shows it.
    """
    sections = trend_sections(frame)
    extra = ""
    if programme is not None:
        extra += f"<h2>Home programme</h2>{programme_table(programme)}"
    if notes is not None:
        extra += f"<h2>Therapist's notes and marks</h2>{review_list(frame, notes)}"
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>motorobs trends: {escape(child)}</title><style>{STYLE}</style></head>"
            f"<body><h1>Child {escape(child)}: motor observations over time</h1>"
            "<p class='note'>A screening aid for therapists, not a diagnosis.</p>"
            f"<h2>Sessions</h2>{sessions_table(frame)}"
            f"<h2>Flags (rules version {escape(rules_version)})</h2>{flag_list(flags)}"
            "<h2>Trends over age</h2><p class='note'>Dots: measured values (larger and darker"
            " = more of the clip seen); \N{MULTIPLICATION SIGN}: marked untrustworthy (left "
            "out of trends and flags); open triangles under a plot: not measured, with the "
            f"reason below it.</p>{sections}{extra}"
            f"<h2>What these numbers can and cannot tell</h2><ul>{_caveats()}</ul>"
            "</body></html>")


def _caveats() -> str:
    return "".join(f"<li>{escape(c)}</li>" for c in CAVEATS)


def _measurements_table(rows: pd.DataFrame) -> str:
    cells = []
    for r in rows.itertuples():
        value = "" if pd.isna(r.value) else f"{r.value:.3g} {r.unit}".strip()
        coverage = "" if pd.isna(r.coverage) else f"{r.coverage:.0%}"
        said = {"point": "measured", "gap": f"not measured: {r.gap_reason}",
                "marked": f"marked untrustworthy by {r.marked_by} on {r.marked_at}: "
                          f"{r.mark_reason}",
                "other_view": f"not used for its trend: {r.gap_reason}"}[r.role]
        cells.append(f"<tr><td>{escape(r.label)}</td><td>{escape(value)}</td>"
                     f"<td>{coverage}</td><td>{escape(said)}</td></tr>")
    return ("<table><tr><th>measurement</th><th>value</th><th>coverage</th><th>status</th>"
            f"</tr>{''.join(cells)}</table>")


def clip_report_html(child: str, rows: pd.DataFrame, summary: Sequence[str] = (),
                     notes: Sequence[Note] = ()) -> str:
    """One clip's PDF page: the child's code, the session's date and ages, the clip's
    summary sentences (its report's words), its headline measurements (value, coverage,
    status or mark), the therapist's notes and the caveats. No pictures (no faces).

    ``rows`` are the clip's rows of the sessions table (:mod:`motorobs.trends.sessions`).
    """
    first = rows.iloc[0]
    findings = "".join(f"<li>{escape(s)}</li>" for s in summary) or "<li>none</li>"
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>motorobs clip: {escape(child)}</title><style>{STYLE}</style></head>"
            f"<body><h1>Child {escape(child)}: clip {escape(str(first['clip']))}</h1>"
            "<p class='note'>A screening aid for therapists, not a diagnosis.</p>"
            f"<h2>Session</h2>{sessions_table(rows)}"
            f"<h2>Summary</h2><ul>{findings}</ul>"
            f"<h2>Measurements</h2>{_measurements_table(rows)}"
            f"<h2>Therapist's notes and marks</h2>{review_list(rows, notes)}"
            f"<h2>What these numbers can and cannot tell</h2><ul>{_caveats()}</ul>"
            "</body></html>")


def render_pdf(html: str) -> bytes:
    """``html`` rendered to PDF bytes with WeasyPrint (``pip install weasyprint``; needs
    the Pango library).

    Raises
    ------
    ImportError
        If WeasyPrint (or Pango) is not installed.
    """
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
