-- Macros one_price_base(base) and mixes_price_bases(base): aggregates over constant-price
-- figures. Constant prices of two editions may sit at different bases (NATO 2015 in 2024,
-- 2021 since 2025; SIPRI's sheet year), and a sum, ratio or ranking across such figures has no
-- meaning. one_price_base gives the one base of the rows aggregated, NULL when they hold two or
-- more (or none); mixes_price_bases says whether they hold two or more, so a query can return
-- NULL for the mixed result and a flag, as group_totals does.
-- Parameters: base (the rows' price_base_year; NULLs, rows without a figure, are ignored).
create or replace macro one_price_base(base) as
    case when count(distinct base) = 1 then any_value(base) end;

create or replace macro mixes_price_bases(base) as
    count(distinct base) > 1;
