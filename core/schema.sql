-- The published warehouse. Shares are percent (0-100), money names its unit and price base,
-- every source keeps its own table and definition. Keys are declared so a duplicate fails the load.

create table country (
    iso3 varchar primary key,               -- ISO 3166-1 alpha-3, or a documented historical code
    name varchar not null,                  -- common name (REST Countries name.common, or the CSV)
    cca2 varchar,                           -- ISO 3166-1 alpha-2; NULL for historical states
    capital varchar,                        -- first capital listed (South Africa lists 3)
    capital_lat double,                     -- capital's latitude, degrees (capitalInfo.latlng)
    capital_lon double,                     -- capital's longitude, degrees (capitalInfo.latlng)
    region varchar,                         -- REST Countries region; NULL for historical states
    subregion varchar,                      -- REST Countries subregion; NULL if empty or historical
    borders varchar[],                      -- land neighbours (ISO3), REST Countries
    borders_russia_or_belarus boolean,      -- borders includes RUS or BLR; NULL for historical states
    is_historical boolean not null,         -- from data/historical_states.csv (Soviet Union, ...)
    source varchar not null                 -- 'restcountries' or 'data/historical_states.csv'
);

create table alliance (
    code varchar primary key,               -- NATO, JEF, B9, UK-PL-UA, NORDEFCO, WEIMAR, WARSAW, EU
    name varchar not null,                  -- full name (data/alliances.csv)
    kind varchar not null,                  -- 'treaty alliance', 'minilateral', 'union'
    founded date not null,                  -- first day the grouping existed (data/alliances.csv)
    dissolved date,                         -- last day (inclusive); NULL while it exists
    source_url varchar not null             -- page that attests the founding and dissolution dates
);

create table membership (
    alliance varchar not null references alliance(code), -- data/memberships.csv, one row a spell
    iso3 varchar not null,                  -- member's country.iso3
    joined date not null,                   -- first day as a member (inclusive)
    departed date,                          -- NULL while a member
    date_precision varchar not null,        -- 'day' or 'year' (only the year is well attested)
    source_url varchar not null,            -- page that attests this spell's dates
    note varchar,                           -- free text (e.g. signature vs entry into force)
    primary key (alliance, iso3, joined)
);

create table state_succession (            -- data/state_succession.csv: which states came from which
    predecessor varchar not null,           -- historical code (data/historical_states.csv)
    successor varchar not null,             -- country.iso3 of the state that came from the predecessor
    relation varchar not null,              -- 'continuator', 'successor', 'former republic', 'absorbed into'
    source_url varchar not null,            -- page that attests the relation
    note varchar,                           -- free text from data/state_succession.csv
    primary key (predecessor, successor)
);

create table edition (                      -- one row per publisher file loaded, with its dates
    source varchar not null,                -- 'nato', 'sipri', 'dmdc', 'worldbank', 'kiel', 'cow',
                                            -- 'restcountries' (etl/sources/<source>.py)
    edition date not null,                  -- release date the publisher states: the key of every
                                            -- row it filled (World Bank: the file's 'Last Updated
                                            -- Date'; Kiel: release_info.csv; COW and REST Countries:
                                            -- the registry's dated statement, never a file's mtime)
    published date not null,                -- when these bytes were public (>= edition: a later
                                            -- re-save or regeneration); the as-of rule reads it
    definition varchar not null,            -- 'defence expenditure', 'GDP, current US$
                                            -- (NY.GDP.MKTP.CD)', 'Ukraine Support Tracker, Release 29'
    price_base_year integer,                -- year of the constant prices (read from the file); NULL:
                                            -- no constant prices (dmdc, worldbank, kiel, cow, ...)
    file varchar not null,                  -- path under the raw dir
    first_year integer,                     -- earliest year with figures in this file; NULL: the
                                            -- file has no yearly figures (REST Countries)
    last_year integer,                      -- latest year with figures (estimates included)
    primary key (source, edition, file)     -- two World Bank files can share a day
);

create table sipri_milex (                  -- every release side by side; sipri_at(as_of) picks
    iso3 varchar not null,                  -- country.iso3 of SIPRI's country name (country sheets)
    year integer not null,                  -- calendar year (a year column of the sheets)
    edition date not null,                  -- release date (edition table)
    price_base_year integer not null,       -- the YYYY of SIPRI's 'Constant (YYYY) US$' sheet (USD
                                            -- in the 2017-2021 releases): each release's own base
    constant_usd_m double,                  -- SIPRI 'Constant (YYYY) US$', US$ m at price_base_year
    current_usd_m double,                   -- SIPRI 'Current US$', US$ m
    share_gdp_pct double,                   -- SIPRI 'Share of GDP' x 100
    per_capita_current_usd double,          -- SIPRI 'Per capita', current US$ (1988-)
    share_govt_pct double,                  -- SIPRI 'Share of Govt. spending' x 100 (1988-)
    local_currency_m double,                -- SIPRI 'Local currency calendar years', m
    is_estimate boolean not null,           -- any figure of the row printed blue (SIPRI estimate)
    is_uncertain boolean not null,          -- any figure of the row printed red (highly uncertain)
    primary key (iso3, year, edition)
);

create table sipri_missing (                -- why a SIPRI cell is NULL
    iso3 varchar not null,                  -- country.iso3 (SIPRI country sheets)
    year integer not null,                  -- calendar year of the empty cell
    edition date not null,                  -- release date (edition table)
    measure varchar not null,               -- column name in sipri_milex
    reason varchar not null,                -- 'no data' ('...', '. .', '..', '…'), 'state did not
                                            -- exist' ('xxx'), 'blank', 'spreadsheet error' (an
                                            -- Excel error cell: '#VALUE!')
    primary key (iso3, year, edition, measure)
);

create table sipri_country_note (
    iso3 varchar not null,                  -- country.iso3 of the SIPRI country
    edition date not null,                  -- release date (edition table)
    sipri_name varchar not null,            -- country name as SIPRI prints it
    region varchar not null,                -- SIPRI region heading above the country
    subregion varchar,                      -- SIPRI subregion heading; NULL in Middle East
    footnote_marks varchar,                 -- the Notes column as printed: '‡§¶16'
    budget_not_actual boolean not null,     -- § adopted budget, not actual spending
    excludes_pensions boolean not null,     -- † excludes military pensions
    current_spending_only boolean not null, -- ‡ current spending only
    excludes_paramilitary boolean not null, -- ¶ excludes paramilitary forces
    currency_redenominated boolean not null, -- ‖ currency redenominated
    footnotes varchar,                      -- numbered footnotes ('Footnotes' sheet), '4' or '1,16'
    notes_placeholder boolean not null,     -- a sheet printed '...' in the Notes column (2026: Brazil)
    sheet_notes varchar,                    -- text beside the name under a blank header, with its
                                            -- sheet ('Constant (2015) USD: Base year is 1985')
    primary key (iso3, edition)
);

create table sipri_region_total (           -- SIPRI 'Regional totals': world, regions, subregions
    region varchar not null,                -- one spelling per region: 'World', 'Africa', 'North
                                            -- Africa', ... (etl/sipri.py REGION_ALIASES)
    parent varchar,                         -- NULL for World, 'World' for a region, else its region
    year integer not null,                  -- calendar year
    edition date not null,                  -- release date (edition table)
    price_base_year integer not null,       -- the YYYY of SIPRI's 'Constant (YYYY) US$' sheet
    constant_usd_bn double,                 -- US$ bn at price_base_year prices
    current_usd_bn double,                  -- US$ bn at current prices (SIPRI prints the last year)
    omitted_countries varchar,              -- countries SIPRI leaves out of the total
    label varchar not null,                 -- the row's label as printed ('World total (excluding Iraq)')
    coverage varchar not null,              -- 'as printed', or what the label says it excludes or
                                            -- includes ('excluding Iraq': the 2017-2021 releases)
    primary key (region, coverage, year, edition)
);

create table nato_defence (                 -- every edition side by side; nato_at(as_of) picks
    iso3 varchar not null,                  -- country.iso3 of the ally as NATO names it
    year integer not null,                  -- calendar year (a year column of the tables)
    edition date not null,                  -- publication date (edition table)
    is_estimate boolean not null,           -- NATO header '2023e', '2025e'
    currency varchar,                       -- national currency named in Table 1
    footnote boolean not null,              -- the ally's name carries NATO's '*' footnote mark
    price_base_year integer not null,       -- year of the constant prices (block subtitle)
    current_ncu_m double,                   -- Table 1, million national currency, current prices
    constant_ncu_m double,                  -- Table 1, constant prices (price_base_year)
    current_usd_m double,                   -- Table 2, million US$, current prices and exchange rates
    constant_usd_m double,                  -- Table 2, constant prices and exchange rates
    share_gdp_pct double,                   -- Table 3, share of real GDP
    real_change_pct double,                 -- Table 3, annual real change
    gdp_current_usd_m double,               -- Table 5
    gdp_constant_usd_m double,              -- Table 5, constant prices
    gdp_per_capita_constant_kusd double,    -- Table 6, thousand US$, constant prices
    per_capita_constant_usd double,         -- Table 6, defence expenditure per capita, constant US$
    personnel_k double,                     -- Table 7, military personnel, thousands
    equipment_share_pct double,             -- Table 8a
    personnel_share_pct double,             -- Table 8a
    infrastructure_share_pct double,        -- Table 8b
    other_share_pct double,                 -- Table 8b
    primary key (iso3, year, edition)
);

create table nato_aggregate (               -- NATO's own totals: 'NATO Europe and Canada', 'NATO Total'
    aggregate varchar not null,             -- 'NATO Europe and Canada' or 'NATO Total'
    year integer not null,                  -- calendar year of the figures
    edition date not null,                  -- publication date (edition table)
    is_estimate boolean not null,           -- NATO header '2023e', '2025e'
    price_base_year integer not null,       -- year of the constant prices (block subtitle)
    current_usd_m double,                   -- Table 2, million US$, current prices and exchange rates
    constant_usd_m double,                  -- Table 2, million US$, constant prices and exchange rates
    share_gdp_pct double,                   -- Table 3, share of real GDP
    real_change_pct double,                 -- Table 3, annual real change
    gdp_current_usd_m double,               -- Table 5, million US$, current prices
    gdp_constant_usd_m double,              -- Table 5, million US$, constant prices
    gdp_per_capita_constant_kusd double,    -- Table 6, thousand US$, constant prices
    per_capita_constant_usd double,         -- Table 6, defence expenditure per capita, constant US$
    personnel_k double,                     -- Table 7, military personnel, thousands
    equipment_share_pct double,             -- Table 8a, equipment, percent of defence expenditure
    personnel_share_pct double,             -- Table 8a, personnel, percent of defence expenditure
    infrastructure_share_pct double,        -- Table 8b, infrastructure, percent of defence expenditure
    other_share_pct double,                 -- Table 8b, other, percent of defence expenditure
    primary key (aggregate, year, edition)
);

create table nato_real_change (             -- Table 4: change first year -> latest, constant US$
    iso3 varchar,                           -- NULL for the aggregates
    entity varchar not null,                -- country or aggregate name as printed
    edition date not null,                  -- publication date (edition table)
    from_year integer not null,             -- first year compared (Table 4, 2014)
    to_year integer not null,               -- last year compared (Table 4, e.g. 2024e)
    to_is_estimate boolean not null,        -- to_year is printed as an estimate ('2024e')
    price_base_year integer not null,       -- year of the constant prices (block subtitles)
    from_constant_usd_m double,             -- Table 4, million US$ at price_base_year prices, from_year
    to_constant_usd_m double,               -- Table 4, million US$ at price_base_year prices, to_year
    real_change_pct double,                 -- Table 4, 'Real change from_year-to_year (%)'
    from_share_gdp_pct double,              -- Table 4, 'Share of real GDP from_year (%)'
    to_share_gdp_pct double,                -- Table 4, 'Share of real GDP to_year (%)'
    primary key (entity, edition)
);

create table wb_macro (
    iso3 varchar not null,                  -- WDI Country Code (aggregates dropped)
    year integer not null,                  -- calendar year (a year column of the WDI CSVs)
    gdp_current_usd double,                 -- NY.GDP.MKTP.CD, US$ (not millions)
    population double,                      -- SP.POP.TOTL, persons
    milex_share_gdp_pct double,             -- MS.MIL.XPND.GD.ZS, % of GDP (SIPRI-derived)
    primary key (iso3, year)
);

create table wb_country (
    iso3 varchar primary key,               -- World Bank Country Code (WDI metadata CSV)
    name varchar not null,                  -- WDI metadata TableName
    region varchar not null,                -- WDI metadata Region ('Europe & Central Asia', ...)
    income_group varchar                    -- WDI metadata IncomeGroup; NULL where it is empty
);

create table cow_nmc (
    ccode integer not null,                 -- COW state code
    stateabb varchar not null,              -- COW abbreviation, not ISO ('CZE': Czechoslovakia)
    iso3 varchar,                           -- NULL for states with no ISO3 (documented overrides)
    year integer not null,                  -- calendar year
    milex_current_kusd double,              -- thousands of current US$ (-9 -> NULL)
    milper_k double,                        -- thousands of personnel
    irst_kt double,                         -- iron and steel, thousand tons
    pec_kt_coal_eq double,                  -- primary energy, thousand coal-ton equivalents
    tpop_k double,                          -- total population, thousands
    upop_k double,                          -- urban population, thousands
    cinc double,                            -- composite index (share of the world, 0-1)
    version varchar not null,               -- NMC release as the CSV's version column gives it
    primary key (ccode, year)
);

create table kiel_aid_monthly (             -- Kiel Ukraine Support Tracker, data_explorer.csv
    donor varchar not null,                 -- donor as Kiel names it (data_explorer.csv country)
    iso3 varchar,                           -- NULL for EU institutions
    year integer not null,                  -- year the aid was allocated
    month integer not null,                 -- month the aid was allocated (1-12)
    total_eur_bn double,                    -- EUR bn allocated in the month (a flow)
    financial_eur_bn double,                -- financial aid, EUR bn allocated in the month
    humanitarian_eur_bn double,             -- humanitarian aid, EUR bn allocated in the month
    military_eur_bn double,                 -- military aid, EUR bn allocated in the month
    commitments_eur_bn double,              -- Kiel 'commitments', EUR bn in the month
    to_be_allocated_eur_bn double,          -- Kiel 'to_be_allocated', EUR bn in the month
    gdp_eur_bn double,                      -- donor GDP, fixed reference year
    pct_gdp double,                         -- percent of GDP
    release varchar not null,               -- Kiel release (release_info.csv)
    primary key (donor, year, month)
);

create table kiel_aid_donor (               -- per donor, as of the release: latest cumulative figures
    donor varchar primary key,              -- donor as Kiel names it (data_explorer.csv country)
    iso3 varchar,                           -- country.iso3; NULL for EU institutions
    total_eur_bn double,                    -- sum of the monthly total_eur_bn, EUR bn
    military_eur_bn double,                 -- sum of the monthly military_eur_bn, EUR bn
    financial_eur_bn double,                -- sum of the monthly financial_eur_bn, EUR bn
    humanitarian_eur_bn double,             -- sum of the monthly humanitarian_eur_bn, EUR bn
    pct_gdp double,                         -- sum of the monthly pct_gdp (fixed-year GDP), percent
    eu_share_eur_bn double,                 -- eu_aid_shares.csv (EU members only)
    eu_share_pct_gdp double,                -- the same share, percent of GDP (eu_aid_shares.csv)
    release varchar not null,               -- Kiel release (release_info.csv)
    period varchar not null                 -- period the release covers (release_info.csv)
);

create table kiel_heavy_weapons (          -- Kiel weapons.csv: heavy weapons per donor and category
    donor varchar not null,                 -- donor as Kiel names it (weapons.csv)
    iso3 varchar,                           -- country.iso3 of the donor; NULL if none
    category varchar not null,              -- 'Tanks', 'Howitzers', 'Air Defense', 'IFV', 'MLRS'
    units integer not null,                 -- number_of_weapons (checked against weapons_list)
    value_eur double,                       -- monetary_value_eur, EUR (not bn)
    weapons_list varchar not null,          -- as printed: 'Leopard-1A5 (42); M-84 tank (30); ...'
    release varchar not null,               -- Kiel release (release_info.csv)
    primary key (donor, category)
);

create table source_file (
    name varchar primary key,               -- path under the raw dir
    publisher varchar not null,             -- who published the file (etl/sources/<source>.py)
    edition varchar not null,               -- the release the file belongs to, as the parser reads it
    url varchar not null,                   -- where the file was downloaded from
    licence varchar not null,               -- the publisher's terms of use for the file
    sha256 varchar not null,                -- SHA-256 of the file's bytes, hex
    bytes bigint not null,                  -- file size, bytes
    rows bigint not null,                   -- tidy rows this file contributed to the warehouse
    loaded_at timestamp not null            -- when the build loaded it (UTC)
);

create table etl_run (
    run_id varchar primary key,             -- 12 hex digits, random per run
    command varchar not null,               -- 'build' or 'refresh'
    raw_dir varchar,                        -- raw folder the run read; NULL when none was given
    started_at timestamp not null,          -- start time (UTC)
    finished_at timestamp,                  -- end time (UTC); NULL if the run never finished
    outcome varchar not null,               -- 'published', 'unchanged', 'failed', 'interrupted', 'locked', 'killed'
    sources_sha256 varchar,                 -- JSON {file: sha256}
    message varchar,                        -- one-line outcome ('N rows', or the error)
    warehouse_version varchar               -- etl.warehouse.version() of the code that ran; NULL before 2026-12
);

create table us_forces (                    -- DMDC location report: US personnel by assigned duty location
    edition date not null,                  -- the report's publication date (edition table, source 'dmdc')
    as_of date not null,                    -- the date the counts refer to, read from the title ('As of December 31, 2025')
    section varchar not null,               -- the sheet's block: 'united_states', 'overseas'; 'all' for GRAND TOTAL
    location varchar not null,              -- as printed: 'GERMANY', 'KOREA, SOUTH', 'GUAM', 'ZZ-UNKNOWN', 'OVERSEAS TOTAL'
    kind varchar not null,                  -- 'foreign' (a host country), 'us_state' (or DC), 'us_territory', 'us_military_mail' (ARMED FORCES EUROPE/PACIFIC), 'unknown' (ZZ-UNKNOWN), 'total' (a block's or the grand total row)
    iso3 varchar,                           -- country.iso3 of a 'foreign' or 'us_territory' row (data/country_overrides.csv); NULL otherwise
    component varchar not null,             -- 'active_duty', 'guard_reserve' (National Guard and reserve), 'civilian' (APF DoD civilians), 'all' (GRAND TOTAL column)
    service varchar not null,               -- the column under it: 'army', 'navy', 'marine_corps', 'air_force', 'space_force', 'coast_guard', 'army_national_guard', ..., '4th_estate_dod', 'total'
    personnel integer not null,             -- persons assigned there on as_of (a head count; temporary duty and contingency deployments not included)
    file varchar not null,                  -- path under the raw dir
    sheet_row integer not null,             -- Excel row of the figures in the report's sheet
    primary key (edition, section, location, component, service)
);
