"""Supervision reports (§9): the hall's figures from its event log, defined once.

``replay`` turns a day's events into visits (legs), window states and device troubles;
``tally`` counts them per dimension into the day's pre-aggregate; ``figures`` turns a tally
into rates, means and percentiles; ``summary`` assembles a range; ``tables`` lays the summary
out for pages and exports. Standard library only; callers pass every time in.
"""
