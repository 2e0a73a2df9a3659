"""Row ids as they may be typed in: bounded to the id columns' range."""

from __future__ import annotations

from typing import Annotated

import annotated_types

MAX_ID = 2**31 - 1  # the id columns are 32-bit integers: a larger id is a typing error, said by name

# An id a person or a client supplies (path, query, form, request body): out of range it is refused as
# invalid input naming the field, before any statement — the database would refuse it without a name.
Id = Annotated[int, annotated_types.Interval(ge=1, le=MAX_ID)]
