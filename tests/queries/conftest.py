"""Fixtures of the query tests: the tiny hand-made warehouses (tests/queries/world_*.py)."""

from tests.queries.world_capability import (
    all_con,  # noqa: F401
    capability_con,  # noqa: F401
    equipment_con,  # noqa: F401
    hague_con,  # noqa: F401
    personnel_con,  # noqa: F401
    security_con,  # noqa: F401
)
from tests.queries.world_indicators import con  # noqa: F401
from tests.queries.world_stats import tiny  # noqa: F401
