-- Scalar macros for the rank statistics (exploitation_test, security_burden_test,
-- threat_proximity_test, concordance_test), stated once.
--
-- avg_rank(x, part): the rank of x within its partition `part` (a column, or a row such as
-- (year, x is null) for several), ties sharing the average of the ranks they span:
-- rank() + (number tied - 1) / 2, as scipy.stats.rankdata(method='average').
create or replace macro avg_rank(x, part) as
    rank() over (partition by part order by x)
    + (count(*) over (partition by part, x) - 1) / 2;

-- no_nan(x): NULL for NaN (corr() of a constant variable), so "undefined" reads as NULL.
create or replace macro no_nan(x) as
    case when not isnan(x) then x end;

-- spearman_t(rho, n): t = rho sqrt((n - 2) / (1 - rho^2)), the statistic of Spearman's rho on
-- n - 2 degrees of freedom (scipy.stats.spearmanr); +-infinity when |rho| = 1, NULL when rho
-- is NaN or NULL.
create or replace macro spearman_t(rho, n) as
    case
        when isnan(rho) then null
        when abs(rho) < 1 then rho * sqrt((n - 2) / (1 - rho * rho))
        else sign(rho) * 'infinity'::double
    end;

-- partial_corr(r_xy, r_xz, r_yz, defined): the first-order partial correlation of x and y
-- given z, (r_xy - r_xz r_yz) / sqrt((1 - r_xz^2)(1 - r_yz^2)); NULL unless `defined` and
-- z ranks neither (almost) exactly as x nor as y.
create or replace macro partial_corr(r_xy, r_xz, r_yz, defined) as
    case
        when defined
            and abs(r_xz) < 1 - 1e-12
            and abs(r_yz) < 1 - 1e-12
            then (r_xy - r_xz * r_yz) / sqrt((1 - r_xz * r_xz) * (1 - r_yz * r_yz))
    end;
