"""Signals the registry sends after its services change a household.

Monitoring listens to `household_changed` to re-check the household's rules in the same
transaction (instant re-check); reports listen to keep aggregates fresh.
"""

from django.dispatch import Signal

# sender=Household class; kwargs: household_ids (list[int]), reason (str)
household_changed = Signal()
