"""Domain machinery every app shares: the time of an action, row locks, written-once records, clocks on the
working-day calendar, notifications, readable numbers and page actions. Depends on `lib` and `registry`
only; no domain app may be imported from here."""
