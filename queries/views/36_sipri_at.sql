-- Table macro sipri_at(as_of): SIPRI's figures as they stood on a date. For each (iso3, year),
-- the row of the newest release published on or before as_of (default NULL: the newest of all),
-- with its `edition` and `price_base_year`. Same rule as nato_at.
-- Parameters: as_of (date or NULL).
create or replace macro sipri_at(as_of := null) as table
    select sipri_milex.*
    from sipri_milex
    where as_of is null or sipri_milex.edition <= as_of
    qualify row_number() over (
        partition by sipri_milex.iso3, sipri_milex.year order by sipri_milex.edition desc
    ) = 1
