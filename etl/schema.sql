-- The published warehouse. Shares are percent (0-100), money names its unit and price base,
-- every source keeps its own table and definition. Keys are declared so a duplicate fails the load.

create table country (
    iso3 varchar primary key,               -- ISO 3166-1 alpha-3, or a documented historical code
    name varchar not null,
    cca2 varchar,
    capital varchar,
    capital_lat double,
    capital_lon double,
    region varchar,
    subregion varchar,
    borders varchar[],                      -- land neighbours (ISO3), REST Countries
    borders_russia_or_belarus boolean,
    is_historical boolean not null,
    source varchar not null                 -- 'restcountries' or 'data/historical_states.csv'
);

create table alliance (
    code varchar primary key,               -- NATO, JEF, B9, UK-PL-UA, NORDEFCO, WEIMAR, WARSAW, EU
    name varchar not null,
    kind varchar not null,                  -- 'treaty alliance', 'minilateral', 'union'
    founded date not null,
    dissolved date,
    source_url varchar not null
);

create table membership (
    alliance varchar not null references alliance(code),
    iso3 varchar not null,
    joined date not null,
    departed date,                          -- NULL while a member
    date_precision varchar not null,        -- 'day' or 'year' (only the year is well attested)
    source_url varchar not null,
    note varchar,
    primary key (alliance, iso3, joined)
);

create table state_succession (            -- data/state_succession.csv: which states came from which
    predecessor varchar not null,           -- historical code (data/historical_states.csv)
    successor varchar not null,
    relation varchar not null,              -- 'continuator', 'successor', 'former republic', 'absorbed into'
    source_url varchar not null,
    note varchar,
    primary key (predecessor, successor)
);

create table edition (                      -- one row per publisher release loaded
    source varchar not null,                -- 'nato', 'sipri' (etl/sources/<source>.py)
    edition date not null,                  -- publication date: the key of every row it filled
    definition varchar not null,            -- 'defence expenditure', 'core defence expenditure', ...
    price_base_year integer not null,       -- year of the constant prices (read from the file)
    file varchar not null,                  -- path under the raw dir
    first_year integer not null,
    last_year integer not null,
    primary key (source, edition)
);

create table sipri_milex (                  -- every release side by side; sipri_at(as_of) picks
    iso3 varchar not null,
    year integer not null,
    edition date not null,                  -- release date (edition table)
    price_base_year integer not null,       -- the YYYY of SIPRI's 'Constant (YYYY) US$' sheet
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
    iso3 varchar not null,
    year integer not null,
    edition date not null,
    measure varchar not null,               -- column name in sipri_milex
    reason varchar not null,                -- 'no data' ('...'), 'state did not exist' ('xxx'), 'blank'
    primary key (iso3, year, edition, measure)
);

create table sipri_country_note (
    iso3 varchar not null,
    edition date not null,
    sipri_name varchar not null,
    region varchar not null,
    subregion varchar,
    footnote_marks varchar,                 -- the Notes column as printed: '‡§¶16'
    budget_not_actual boolean not null,     -- § adopted budget, not actual spending
    excludes_pensions boolean not null,     -- † excludes military pensions
    current_spending_only boolean not null, -- ‡ current spending only
    excludes_paramilitary boolean not null, -- ¶ excludes paramilitary forces
    currency_redenominated boolean not null, -- ‖ currency redenominated
    footnotes varchar,                      -- numbered footnotes ('Footnotes' sheet), '4' or '1,16'
    primary key (iso3, edition)
);

create table sipri_region_total (           -- SIPRI 'Regional totals': world, regions, subregions
    region varchar not null,                -- as printed: 'World', 'Africa', 'North Africa', ...
    parent varchar,                         -- NULL for World, 'World' for a region, else its region
    year integer not null,
    edition date not null,
    price_base_year integer not null,
    constant_usd_bn double,                 -- US$ bn at price_base_year prices
    current_usd_bn double,                  -- US$ bn at current prices (SIPRI prints the last year)
    omitted_countries varchar,              -- countries SIPRI leaves out of the total
    primary key (region, year, edition)
);

create table nato_defence (                 -- every edition side by side; nato_at(as_of) picks
    iso3 varchar not null,
    year integer not null,
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
    aggregate varchar not null,
    year integer not null,
    edition date not null,
    is_estimate boolean not null,
    price_base_year integer not null,
    current_usd_m double,
    constant_usd_m double,
    share_gdp_pct double,
    real_change_pct double,
    gdp_current_usd_m double,
    gdp_constant_usd_m double,
    gdp_per_capita_constant_kusd double,
    per_capita_constant_usd double,
    personnel_k double,
    equipment_share_pct double,
    personnel_share_pct double,
    infrastructure_share_pct double,
    other_share_pct double,
    primary key (aggregate, year, edition)
);

create table nato_real_change (             -- Table 4: change first year -> latest, constant US$
    iso3 varchar,                           -- NULL for the aggregates
    entity varchar not null,                -- country or aggregate name as printed
    edition date not null,
    from_year integer not null,
    to_year integer not null,
    to_is_estimate boolean not null,
    price_base_year integer not null,
    from_constant_usd_m double,
    to_constant_usd_m double,
    real_change_pct double,
    from_share_gdp_pct double,
    to_share_gdp_pct double,
    primary key (entity, edition)
);

create table wb_macro (
    iso3 varchar not null,
    year integer not null,
    gdp_current_usd double,                 -- NY.GDP.MKTP.CD, US$ (not millions)
    population double,                      -- SP.POP.TOTL, persons
    milex_share_gdp_pct double,             -- MS.MIL.XPND.GD.ZS, % of GDP (SIPRI-derived)
    primary key (iso3, year)
);

create table wb_country (
    iso3 varchar primary key,
    name varchar not null,
    region varchar not null,
    income_group varchar
);

create table cow_nmc (
    ccode integer not null,                 -- COW state code
    stateabb varchar not null,
    iso3 varchar,                           -- NULL for states with no ISO3 (documented overrides)
    year integer not null,
    milex_current_kusd double,              -- thousands of current US$ (-9 -> NULL)
    milper_k double,                        -- thousands of personnel
    irst_kt double,                         -- iron and steel, thousand tons
    pec_kt_coal_eq double,                  -- primary energy, thousand coal-ton equivalents
    tpop_k double,                          -- total population, thousands
    upop_k double,                          -- urban population, thousands
    cinc double,                            -- composite index (share of the world, 0-1)
    version varchar not null,
    primary key (ccode, year)
);

create table kiel_aid_monthly (             -- Kiel Ukraine Support Tracker, data_explorer.csv
    donor varchar not null,
    iso3 varchar,                           -- NULL for EU institutions
    year integer not null,
    month integer not null,
    total_eur_bn double,
    financial_eur_bn double,
    humanitarian_eur_bn double,
    military_eur_bn double,
    commitments_eur_bn double,
    to_be_allocated_eur_bn double,
    gdp_eur_bn double,                      -- donor GDP, fixed reference year
    pct_gdp double,                         -- percent of GDP
    release varchar not null,
    primary key (donor, year, month)
);

create table kiel_aid_donor (               -- per donor, as of the release: latest cumulative figures
    donor varchar primary key,
    iso3 varchar,
    total_eur_bn double,
    military_eur_bn double,
    financial_eur_bn double,
    humanitarian_eur_bn double,
    pct_gdp double,
    eu_share_eur_bn double,                 -- eu_aid_shares.csv (EU members only)
    eu_share_pct_gdp double,
    release varchar not null,
    period varchar not null
);

create table kiel_heavy_weapons (          -- Kiel weapons.csv: heavy weapons per donor and category
    donor varchar not null,
    iso3 varchar,
    category varchar not null,              -- 'Tanks', 'Howitzers', 'Air Defense', 'IFV', 'MLRS'
    units integer not null,                 -- number_of_weapons (checked against weapons_list)
    value_eur double,                       -- monetary_value_eur, EUR (not bn)
    weapons_list varchar not null,          -- as printed: 'Leopard-1A5 (42); M-84 tank (30); ...'
    release varchar not null,
    primary key (donor, category)
);

create table source_file (
    name varchar primary key,               -- path under the raw dir
    publisher varchar not null,
    edition varchar not null,
    url varchar not null,
    licence varchar not null,
    sha256 varchar not null,
    bytes bigint not null,
    rows bigint not null,
    loaded_at timestamp not null
);

create table etl_run (
    run_id varchar primary key,
    command varchar not null,
    raw_dir varchar,
    started_at timestamp not null,
    finished_at timestamp,
    outcome varchar not null,               -- 'published', 'unchanged', 'failed'
    sources_sha256 varchar,                 -- JSON {file: sha256}
    message varchar
);

create table cross_source_share_gdp (      -- SIPRI vs NATO vs World Bank, share of GDP, percent
    iso3 varchar not null,
    year integer not null,
    sipri_pct double,
    nato_pct double,
    wb_pct double,
    max_abs_diff_pp double,                 -- largest pairwise gap, percentage points
    primary key (iso3, year)
);
