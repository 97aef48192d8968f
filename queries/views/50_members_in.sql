-- Scalar macro is_member_on(joined, departed, on_date): whether a membership spell covers the
-- day on_date. Spells are half-open (see membership_spell: departed is the first day outside),
-- so a member on D when joined <= D and (departed is null or departed > D).
create or replace macro is_member_on(joined, departed, on_date) as
    joined <= on_date and (departed is null or departed > on_date);

-- Table macro members_in: the membership selection every grouping indicator makes, stated once.
-- members_in(grouping_code, membership_rule, on_date, year_list) returns one row per
-- (alliance, iso3, year) for the years in year_list (a list of integers, usually the years
-- the indicator's source covers):
--   membership_rule = 'historical': the countries that were members on at least one day of
--     that year (first_year <= year <= last_year; see membership_spell);
--   membership_rule = 'current': the countries that are members on on_date, for every year.
-- grouping_code NULL means every grouping (alliance tells them apart).
-- A table macro (not a view) because the rule takes the caller's bound parameters; it is
-- stored in the database with the views and runs on a read-only connection.
create or replace macro members_in(grouping_code, membership_rule, on_date, year_list) as table
select distinct
    spells.alliance,
    spells.iso3,
    years.year,
from membership_spell as spells
inner join (select unnest(year_list) as year) as years
    on case
        when membership_rule = 'current'
            then is_member_on(spells.joined, spells.departed, on_date)
        else years.year >= spells.first_year
            and (spells.last_year is null or years.year <= spells.last_year)
    end
where grouping_code is null or spells.alliance = grouping_code;

-- Table macro panel_members_in: members_in over every year a source covers in
-- defence_panel_at(on_date) (the editions published by on_date), (iso3, year) only; the
-- selection the statistical tests share (exploitation, concordance, free-riding response), so
-- the year list is spelled once.
create or replace macro panel_members_in(grouping_code, membership_rule, on_date, panel_source)
as table
select selected.iso3, selected.year
from members_in(
    grouping_code,
    membership_rule,
    on_date,
    (
        select list(distinct panel.year) from defence_panel_at(on_date) as panel
        where panel.source = panel_source
    )
) as selected;
