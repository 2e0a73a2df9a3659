"""Request parameter types shared by the API and the pages."""

from __future__ import annotations

from typing import Annotated

import annotated_types

MAX_ID = 2**31 - 1  # the id columns are 32-bit integers: a larger id is a typing error, said by name

# A row id in a path, query or form: out of range it is refused as invalid input naming the parameter,
# before any statement (the database would refuse it without saying which value).
Id = Annotated[int, annotated_types.Interval(ge=1, le=MAX_ID)]
