"""The one place Ballast reads what day it is.

Logic takes ``today`` / ``as_of`` as an argument; the doors (pages, commands, imports)
and the services' defaults ask this function. Tests pin it (``pinned_today`` in
``tests/conftest.py``) instead of depending on the machine's date.
"""

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today in the installation's time zone (``TIME_ZONE``)."""
    return timezone.localdate()
