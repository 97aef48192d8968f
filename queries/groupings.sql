-- groupings: every grouping the indicators know (the alliance table plus the derived
-- NATO_EUROPE_CANADA), oldest first, the derived one last.
-- Source: view alliance_grouping. Parameters: none.

select
    alliance_grouping.code,
    alliance_grouping.name,
    alliance_grouping.kind,
    alliance_grouping.founded,
    alliance_grouping.dissolved,
    alliance_grouping.is_minilateral,
    alliance_grouping.is_derived,
from alliance_grouping
order by alliance_grouping.is_derived, alliance_grouping.founded
