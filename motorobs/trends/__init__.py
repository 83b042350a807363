"""A child over time: sessions, corrected age, trends of the headline metrics, flags.

Pure functions over plain data (the web app calls them with what it stores); reading and
writing files happens only in :mod:`motorobs.trends.results`, the CSV readers
(:mod:`~motorobs.trends.childmap`, :mod:`~motorobs.trends.goals`,
:mod:`~motorobs.trends.marks`) and :mod:`motorobs.trends.outputs`. See docs/trends.md.
"""
