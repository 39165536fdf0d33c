"""Free-text answers the flows share."""

from __future__ import annotations

import re

# Call lengths as "15-90" (minutes, shortest-longest).
RANGE = re.compile(r"^\s*(\d{2,3})\s*-\s*(\d{2,3})\s*$")
