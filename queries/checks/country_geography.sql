-- Data test: capitals' coordinates are on the globe and the Russia/Belarus border flag agrees
-- with the list of land neighbours. Returns the offending countries (zero rows = pass).

with

countries as (
    select * from country
),

final as (
    select
        countries.iso3,
        countries.capital_lat,
        countries.capital_lon,
        countries.borders_russia_or_belarus,
        case
            when countries.capital_lat not between -90 and 90
                or countries.capital_lon not between -180 and 180
                then 'capital coordinates off the globe'
            else 'borders_russia_or_belarus disagrees with borders'
        end as problem,
    from countries
    where countries.capital_lat not between -90 and 90
        or countries.capital_lon not between -180 and 180
        or (
            countries.borders is not null
            and countries.borders_russia_or_belarus is not null
            and countries.borders_russia_or_belarus
                <> list_has_any(countries.borders, ['RUS', 'BLR'])
        )
)

select * from final
order by final.iso3
