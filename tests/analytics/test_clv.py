"""Tests of canvas.analytics.clv: published values, the likelihoods against the papers' formulas
evaluated slowly, recovery of known parameters from simulated data, RFM inputs by hand, the
fallback."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from canvas.analytics import clv
from canvas.analytics.clv import analysis, bgnbd, fitting
from tools import simulation

CDNOW = clv.BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, loglik=math.nan, converged=True)


# --------------------------------------------------------------------------------------------
# Published values and the formulas
# --------------------------------------------------------------------------------------------


def test_published_conditional_expectation():
    # Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 weeks, next 39 weeks -> 1.226
    value = clv.expected_purchases(CDNOW, 39.0, [2], [30.43], [38.86])[0]
    assert value == pytest.approx(1.226, abs=5e-4)


def slow_bgnbd_loglik(r, alpha, a, b, x, t_x, T) -> float:
    """FHL 2005 eq. 6, term by term, in plain floating point."""
    def beta(p, q):
        return math.exp(math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q))
    gamma_part = math.exp(math.lgamma(r + x) - math.lgamma(r)) * alpha**r
    likelihood = beta(a, b + x) / beta(a, b) * gamma_part / (alpha + T) ** (r + x)
    if x > 0:
        likelihood += beta(a + 1, b + x - 1) / beta(a, b) * gamma_part / (alpha + t_x) ** (r + x)
    return math.log(likelihood)


def slow_gamma_gamma_loglik(p, q, v, x, m) -> float:
    """Fader & Hardie (2013) density of the mean spend m of x purchases, in plain floats."""
    density = (math.exp(math.lgamma(p * x + q) - math.lgamma(p * x) - math.lgamma(q))
               * v**q * m ** (p * x - 1) * x ** (p * x) / (v + m * x) ** (p * x + q))
    return math.log(density)


def test_bgnbd_loglik_matches_slow_formula():
    data = simulation.simulate_bgnbd(60, r=0.5, alpha=3.0, a=0.7, b=2.0, T=30.0, seed=1)
    data.loc[0, ["frequency", "recency"]] = [25, 29.0]  # a heavy buyer
    for params in [(0.243, 4.414, 0.793, 2.426), (1.3, 0.7, 2.5, 0.6), (0.05, 40.0, 0.2, 9.0)]:
        fast = clv.bgnbd_log_likelihood(*params, data["frequency"], data["recency"], data["T"])
        slow = [slow_bgnbd_loglik(*params, *row) for row in
                data[["frequency", "recency", "T"]].itertuples(index=False)]
        np.testing.assert_allclose(fast, slow, rtol=1e-10)
    fit = clv.fit_bgnbd(data["frequency"], data["recency"], data["T"])
    slow_total = sum(slow_bgnbd_loglik(fit.r, fit.alpha, fit.a, fit.b, *row) for row in
                     data[["frequency", "recency", "T"]].itertuples(index=False))
    assert fit.loglik == pytest.approx(slow_total, rel=1e-10)  # a sum, not a mean


def test_bgnbd_loglik_is_finite_for_heavy_buyers():
    values = clv.bgnbd_log_likelihood(0.243, 4.414, 0.793, 2.426, [800, 5000], [50.0, 51.0],
                                      [52.0, 52.0])
    assert np.isfinite(values).all()


def test_gamma_gamma_loglik_matches_slow_formula():
    x = np.array([1, 2, 3, 5, 8, 13])
    m = np.array([12.0, 35.5, 8.25, 20.0, 41.0, 16.5])
    for p, q, v in [(6.25, 3.74, 15.44), (1.5, 1.2, 3.0)]:
        fast = clv.gamma_gamma_log_likelihood(p, q, v, x, m)
        slow = [slow_gamma_gamma_loglik(p, q, v, xi, mi) for xi, mi in zip(x, m)]
        np.testing.assert_allclose(fast, slow, rtol=1e-10)


def hyp2f1_series(a, b, c, z, terms=20000) -> float:
    total, term = 1.0, 1.0
    for n in range(terms):
        term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        if abs(term) < 1e-17 * abs(total):
            break
    return total


@pytest.mark.parametrize("x", [0, 1, 7, 60, 400, 3000])
@pytest.mark.parametrize("t", [1.0, 39.0, 200.0])
def test_expected_purchases_against_series(x, t):
    # The hypergeometric term in its original form, summed slowly; for large x it overflows
    # floats (c - a - b = a - 1 - r - x), so compare in the Euler form's terms there.
    r, alpha, a, b = CDNOW.r, CDNOW.alpha, CDNOW.a, CDNOW.b
    T, t_x = 60.0, 50.0 if x else 0.0
    z = t / (alpha + T + t)
    term = (1 - z) ** (a - 1) * hyp2f1_series(a + b - 1 - r, a - 1, a + b + x - 1, z)
    if x < 60:  # the original form is still representable: it must agree
        original = (1 - z) ** (r + x) * hyp2f1_series(r + x, b + x, a + b + x - 1, z)
        assert original == pytest.approx(term, rel=1e-9)
    denominator = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    expected = (a + b + x - 1) / (a - 1) * (1 - term) / denominator
    got = clv.expected_purchases(CDNOW, t, [x], [t_x], [T])[0]
    assert np.isfinite(got)
    assert got == pytest.approx(expected, rel=1e-9)


def test_probability_alive_by_hand():
    p = clv.probability_alive(CDNOW, [0, 2, 2], [0.0, 30.43, 10.0], [38.86, 38.86, 38.86])
    assert p[0] == 1.0  # no repeat purchase: BG/NBD customers cannot have dropped out yet
    by_hand = 1 / (1 + 0.793 / (2.426 + 2 - 1) * ((4.414 + 38.86) / (4.414 + 30.43)) ** 2.243)
    assert p[1] == pytest.approx(by_hand)
    assert p[2] < p[1]  # a longer silence since the last purchase
    assert clv.probability_alive(CDNOW, [5000], [1.0], [500.0])[0] == 0.0  # no overflow


def test_expected_purchases_grow_with_horizon():
    x, t_x, T = [0, 1, 4], [0.0, 10.0, 30.0], [38.0, 38.0, 38.0]
    values = [clv.expected_purchases(CDNOW, t, x, t_x, T) for t in (0, 4, 13, 52, 520)]
    assert (values[0] == 0).all()
    assert all((later > earlier).all() for earlier, later in zip(values, values[1:]))


# --------------------------------------------------------------------------------------------
# Recovery of known parameters from simulated data
# --------------------------------------------------------------------------------------------


def test_bgnbd_recovers_cdnow_parameters():
    rng = np.random.default_rng(2005)
    data = simulation.simulate_bgnbd(20000, r=0.24, alpha=4.41, a=0.79, b=2.43,
                                     T=rng.uniform(27, 39, 20000), seed=11)
    fit = clv.fit_bgnbd(data["frequency"], data["recency"], data["T"])
    assert fit.converged and not fit.at_bound
    assert fit.r == pytest.approx(0.24, rel=0.10)
    assert fit.alpha == pytest.approx(4.41, rel=0.12)
    assert fit.a == pytest.approx(0.79, rel=0.20)
    assert fit.b == pytest.approx(2.43, rel=0.25)
    truth = clv.bgnbd_log_likelihood(0.24, 4.41, 0.79, 2.43, data["frequency"],
                                     data["recency"], data["T"]).sum()
    assert fit.loglik >= truth  # the maximum is at least as likely as the truth


def test_gamma_gamma_recovers_parameters():
    frequency = 1 + np.random.default_rng(7).poisson(2.5, 40000)
    spend = simulation.simulate_spend(frequency, p=6.25, q=3.74, v=15.44, seed=3)
    fit = clv.fit_gamma_gamma(frequency, spend)
    assert fit.converged and not fit.at_bound
    assert fit.p == pytest.approx(6.25, rel=0.15)
    assert fit.q == pytest.approx(3.74, rel=0.10)
    assert fit.v == pytest.approx(15.44, rel=0.20)
    # p and v trade off; the population mean spend p v / (q - 1) is pinned down tightly.
    assert fit.p * fit.v / (fit.q - 1) == pytest.approx(6.25 * 15.44 / 2.74, rel=0.02)
    assert fit.mean_spend_evidence > 100 * clv.MIN_SPEND_EVIDENCE
    slow = sum(slow_gamma_gamma_loglik(fit.p, fit.q, fit.v, x, m)
               for x, m in zip(frequency[:50], spend[:50]))
    assert clv.gamma_gamma_log_likelihood(fit.p, fit.q, fit.v, frequency[:50],
                                          spend[:50]).sum() == pytest.approx(slow, rel=1e-10)


@pytest.fixture(scope="module")
def simulated_tx() -> pd.DataFrame:
    return simulation.simulate_transactions(12000, r=0.8, alpha=8.0, a=0.6, b=3.5, p=6.25,
                                            q=3.74, v=15.44, start="2022-01-01", end="2023-12-31",
                                            segments=("web", "shop"), seed=21)


def test_fit_from_transactions_recovers_parameters(simulated_tx):
    summary = clv.rfm_summary(simulated_tx, calibration_end="2023-12-31")
    fit = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    assert fit.r == pytest.approx(0.8, rel=0.15)
    assert fit.alpha == pytest.approx(8.0, rel=0.2)
    assert fit.a == pytest.approx(0.6, rel=0.25)
    assert fit.b == pytest.approx(3.5, rel=0.3)


# --------------------------------------------------------------------------------------------
# RFM summary
# --------------------------------------------------------------------------------------------


def test_rfm_summary_by_hand():
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "a", "b", "b", "c", "a"],
        "date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 18:00", "2024-01-08",
                                "2024-01-22", "2024-01-23", "2024-01-10", "2024-02-20",
                                "2024-01-05", "2024-02-05"], format="ISO8601"),
        "amount": [10.0, 5.0, 20.0, 40.0, -40.0, 7.0, 9.0, -3.0, 11.0],
        "segment": ["web", "web", "web", "web", "web", "shop", "shop", "web", "web"],
    })
    s = clv.rfm_summary(tx, calibration_end="2024-01-29", observation_end="2024-02-29")
    assert list(s.index) == ["a", "b"]  # c only has a refund: no purchase, not a customer
    a, b = s.loc["a"], s.loc["b"]
    assert a["frequency"] == 2  # purchase days 01-01 (two rows), 01-08, 01-22; refunds are not
    assert a["recency"] == pytest.approx(3.0)  # 21 days
    assert a["T"] == pytest.approx(4.0)  # 01-01 to 01-29
    assert a["monetary_value"] == pytest.approx(30.0)  # (20 + 40) / 2 repeat days
    assert a["revenue"] == pytest.approx(35.0)  # 15 + 20 + 40 - 40
    assert a["frequency_holdout"] == 1 and a["duration_holdout"] == pytest.approx(31 / 7)
    assert (b["frequency"], b["monetary_value"], b["T"]) == (0, 0.0, pytest.approx(19 / 7))
    assert b["frequency_holdout"] == 1
    assert list(s["segment"]) == ["web", "shop"]
    days = clv.rfm_summary(tx, calibration_end="2024-01-29", time_unit="day")
    assert (days.loc["a", "recency"], days.loc["a", "T"]) == (21.0, 28.0)


def test_rfm_summary_matches_groupby_reference(simulated_tx):
    end = pd.Timestamp("2023-06-30")
    s = clv.rfm_summary(simulated_tx, calibration_end=end, time_unit="day")
    known = simulated_tx[simulated_tx["date"] < end + pd.Timedelta(days=1)]
    daily = known.assign(day=known["date"].dt.normalize()).groupby(
        ["customer_id", "day"])["amount"].sum().reset_index()
    per = daily.groupby("customer_id").agg(first=("day", "min"), last=("day", "max"),
                                           days=("day", "size"), total=("amount", "sum"))
    first_spend = daily.sort_values("day").groupby("customer_id")["amount"].first()
    per = per.loc[s.index]
    np.testing.assert_array_equal(s["frequency"], per["days"] - 1)
    np.testing.assert_allclose(s["recency"], (per["last"] - per["first"]).dt.days)
    np.testing.assert_allclose(s["T"], (end - per["first"]).dt.days)
    repeat = per["days"] > 1
    expected = ((per["total"] - first_spend.loc[per.index]) / (per["days"] - 1))[repeat]
    np.testing.assert_allclose(s["monetary_value"][repeat], expected)


# --------------------------------------------------------------------------------------------
# CLV, report, fallback
# --------------------------------------------------------------------------------------------


def test_clv_is_the_discounted_monthly_sum():
    gg = clv.GammaGammaFit(p=6.25, q=3.74, v=15.44, loglik=math.nan, converged=True)
    x, t_x, T, m = np.array([0, 3]), np.array([0.0, 20.0]), np.array([30.0, 30.0]), \
        np.array([0.0, 25.0])
    got = clv.customer_lifetime_value(CDNOW, gg, x, t_x, T, m, horizon_months=6,
                                      discount_rate=0.02, margin=0.3)
    month = 365.2425 / 12 / 7
    spend = clv.expected_spend(gg, x, m)
    expected = sum((clv.expected_purchases(CDNOW, i * month, x, t_x, T)
                    - clv.expected_purchases(CDNOW, (i - 1) * month, x, t_x, T))
                   * spend / 1.02**i for i in range(1, 7)) * 0.3
    np.testing.assert_allclose(got, expected)
    assert spend[0] == pytest.approx(6.25 * 15.44 / 2.74)  # no repeat: the population mean
    assert spend[1] == pytest.approx(6.25 * (15.44 + 75) / (6.25 * 3 + 2.74))


def test_clv_report_on_simulated_data(simulated_tx):
    report = clv.clv_report(simulated_tx, calibration_end="2023-06-30",
                            holdout_end="2023-12-31", margin=0.4)
    json.dumps(report, allow_nan=False)
    assert report["fallback"] is None and report["reasons"] == []
    assert report["clv"]["basis"] == "predictive"
    assert set(report["bgnbd"]) == {"r", "alpha", "a", "b", "loglik", "converged"}
    assert set(report["gamma_gamma"]) == {"p", "q", "v", "loglik", "converged"}
    assert report["clv"]["mean"] > 0
    assert set(report["segments"]) == {"web", "shop"}
    assert sum(s["customers"] for s in report["segments"].values()) == report["customers"]
    holdout = report["holdout"]
    assert holdout["predicted_total"] == pytest.approx(holdout["actual_total"], rel=0.1)
    assert [b["frequency"] for b in holdout["by_frequency"]][:3] == ["0", "1", "2"]
    assert holdout["by_frequency"][-1]["frequency"] == "7+"
    text = clv.format_clv_table(report)
    assert "BG/NBD" in text and "Holdout" in text and "web" in text


def test_per_customer_results(simulated_tx):
    result = clv.analyse_clv(simulated_tx, calibration_end="2023-12-31")
    c = result.customers
    assert {"p_alive", "expected_purchases", "expected_spend", "clv", "clv_historical"} <= \
        set(c.columns)
    assert ((c["p_alive"] > 0) & (c["p_alive"] <= 1)).all()
    assert (c["clv"] >= 0).all()
    assert c["value"].equals(c["clv"])


def test_fallback_when_too_few_repeat_buyers():
    tx = pd.DataFrame({"customer_id": [f"c{i}" for i in range(50)] + ["c0", "c1"],
                       "date": pd.to_datetime(["2024-01-05"] * 50 + ["2024-02-01"] * 2),
                       "amount": [10.0] * 52})
    report = clv.clv_report(tx, calibration_end="2024-03-31", margin=0.5)
    assert report["fallback"] == "historical"
    assert report["bgnbd"] is None
    assert "Only 2 of 50 customers" in report["reasons"][0]
    assert report["clv"] == {"mean": pytest.approx(5.2), "median": 5.0,
                             "total": pytest.approx(260.0), "basis": "historical"}
    assert "Fell back to historical CLV" in clv.format_clv_table(report)


def test_fallback_when_spend_follows_frequency():
    data = simulation.simulate_bgnbd(3000, r=0.8, alpha=4.0, a=0.6, b=3.0, T=52.0, seed=5)
    start = pd.Timestamp("2023-01-02")
    rows = []
    for customer, x in enumerate(data["frequency"]):  # a small, slow-built fixture
        for k in range(int(x) + 1):
            rows.append((f"c{customer}", start + pd.Timedelta(days=7 * k), 10.0 * (x + 1)))
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    report = clv.clv_report(tx, calibration_end="2023-12-31")
    assert report["fallback"] == "historical"
    assert any("correlated" in reason for reason in report["reasons"])
    assert report["clv"]["basis"] == "historical"


def test_degenerate_fits_are_explained():
    stuck = clv.BGNBDFit(0.2, 3.0, 1e-5, 2.0, -10.0, converged=False, message="ABNORMAL")
    (reason,) = analysis._check_bgnbd(stuck)
    assert "could not settle" in reason and clv.MORE_ORDERS in reason
    # A parameter at its bound is the limit where customers do not differ in it: a sound fit.
    alike = clv.BGNBDFit(0.2, 3.0, 1.6e5, 4e5, -10.0, converged=True, at_bound=("a+b",))
    assert analysis._check_bgnbd(alike) == []
    heavy = clv.GammaGammaFit(2.0, 0.8, 5.0, -10.0, converged=True, mean_spend_evidence=0.0)
    (reason,) = analysis._check_gamma_gamma(heavy, np.array([4.0, 12.5, 900.0]))
    assert "3 customers who bought again" in reason and "4.00 to 900.00" in reason
    assert "many times more than 3" in reason and clv.MORE_ORDERS in reason


def test_gamma_function_differences_stay_exact_for_huge_arguments():
    # For a whole number k, ln G(z+k) - ln G(z) = sum of ln(z+i) and psi(z+k) - psi(z) = sum
    # of 1/(z+i), i < k: exact references where gammaln(z+k) - gammaln(z) loses ~10 digits.
    for z in (0.7, 950.0, 1234.5, 162754.8, 3e7):
        for k in (1, 3, 40):
            terms = [z + i for i in range(k)]
            assert fitting._log_gamma_ratio(z, float(k)) == pytest.approx(
                math.fsum(map(math.log, terms)), rel=1e-13)
            assert fitting._digamma_difference(z, float(k)) == pytest.approx(
                math.fsum(1 / t for t in terms), rel=1e-12)
            assert fitting._betaln(float(k), z) == pytest.approx(
                math.lgamma(k) - math.fsum(map(math.log, terms)), rel=1e-13, abs=1e-13)


def test_expected_purchases_when_every_customer_has_the_same_dropout_chance():
    # a and b in the hundred thousands (what a small file's fit reaches) made the closed form
    # overflow: NaN, hence "The predicted CLV is not finite". In the limit the drop-out chance
    # is pi = a / (a + b) for all, and an alive customer buys 1/pi (1 - ((alpha+T) /
    # (alpha+T+pi t))^(r+x)) times in the next t.
    pi = 0.45
    fit = clv.BGNBDFit(r=1.11, alpha=281.0, a=pi * 3e5, b=(1 - pi) * 3e5, loglik=0.0,
                       converged=True)
    x = np.array([0, 1, 5, 40])
    T = np.array([0.0, 30.0, 100.0, 104.0])
    for t in (4.35, 52.0):
        got = bgnbd._purchases_if_alive(fit, t, x.astype(float), T)
        limit = (1 - ((fit.alpha + T) / (fit.alpha + T + pi * t)) ** (fit.r + x)) / pi
        np.testing.assert_allclose(got, limit, rtol=2e-4)
    value = clv.customer_lifetime_value(fit, clv.GammaGammaFit(6.0, 3.7, 15.0, 0.0, True),
                                        x, [0.0, 20.0, 90.0, 103.0], T, [0.0, 30.0, 25.0, 40.0])
    assert np.isfinite(value).all() and (value > 0).all()


def small_shop_orders(seed: int = 0, *, spend_tail: bool = False) -> pd.DataFrame:
    """About 500 orders of 320 customers over four months, a new shop's first upload: most buy
    once, one in seven once more, one in sixteen every two weeks or so. Each customer has a
    usual basket; with ``spend_tail`` a few baskets are enormous (Pareto, no finite mean)."""
    rng = np.random.default_rng(seed)
    n, days = 320, 120
    first = rng.uniform(0, days, n)
    frequent = rng.random(n) < 0.06
    repeats = np.where(frequent, rng.poisson(8, n), rng.random(n) < 0.15).astype(int)
    who = np.r_[np.arange(n), np.repeat(np.arange(n), repeats)]
    when = np.r_[first, rng.uniform(first[who[n:]], days)]
    basket = 5 + 15 * rng.pareto(0.8, n) if spend_tail else rng.lognormal(np.log(35), 0.5, n)
    return pd.DataFrame({"customer_id": [f"C{i:03d}" for i in who],
                         "date": pd.Timestamp("2025-03-01") + pd.to_timedelta(when, unit="D"),
                         "amount": np.round(basket[who] * rng.lognormal(0, 0.3, len(who)), 2)})


def test_a_small_upload_fits_with_finite_clv_for_every_customer():
    tx = small_shop_orders()
    assert 400 < len(tx) < 600
    result = clv.analyse_clv(tx, calibration_end=tx["date"].max().date())
    # Its customers hardly differ in drop-out chance or in spend from one order to the next:
    # the fits reach those limits, which used to be reported as failures.
    assert result.bgnbd.at_bound and result.gamma_gamma.at_bound
    assert result.fallback is None and result.reasons == []
    c = result.customers
    assert np.isfinite(c["clv"]).all() and (c["clv"] > 0).all()
    assert c["value"].equals(c["clv"])
    # One-time buyers are expected to spend about what the file's orders average.
    one_time = c.loc[c["frequency"] == 0, "expected_spend"]
    assert one_time.iloc[0] == pytest.approx(tx["amount"].mean(), rel=0.25)


def test_spend_too_varied_to_model_gives_a_founder_reason():
    tx = small_shop_orders(spend_tail=True)
    result = clv.analyse_clv(tx, calibration_end=tx["date"].max().date())
    assert result.fallback == "historical"
    (reason,) = result.reasons
    repeat = int((result.customers["frequency"] > 0).sum())
    assert f"the {repeat} customers who bought again" in reason  # what is missing
    assert "spends per order" in reason
    assert clv.MORE_ORDERS in reason  # what to upload
    # The purchase model did fit: its predictions are there for whoever wants them.
    assert result.customers["p_alive"].notna().all()
    report = clv.clv_report(tx, calibration_end=tx["date"].max().date())
    assert report["reasons"] == [reason]
    assert reason in clv.format_clv_table(report)


def test_refunds_reduce_expected_spend(simulated_tx):
    refunds = simulated_tx.sample(frac=0.1, random_state=1).assign(
        amount=lambda d: -d["amount"] / 2)
    with_refunds = pd.concat([simulated_tx, refunds], ignore_index=True)
    plain = clv.analyse_clv(simulated_tx, calibration_end="2023-12-31")
    refunded = clv.analyse_clv(with_refunds, calibration_end="2023-12-31")
    share = -refunds["amount"].sum() / simulated_tx["amount"].sum()
    assert refunded.refund_share == pytest.approx(share, rel=1e-6)
    assert refunded.customers["clv"].sum() == pytest.approx(
        plain.customers["clv"].sum() * (1 - refunded.refund_share), rel=1e-6)
    assert any("Refunds" in w for w in refunded.warnings)


def test_refunds_only_give_no_customer_to_model_and_a_plain_fallback():
    tx = pd.DataFrame({"customer_id": ["a", "b"], "date": pd.to_datetime(["2025-01-05", "2025-03-05"]),
                       "amount": [-10.0, -20.0]})
    assert clv.rfm_summary(tx, calibration_end="2025-12-31").empty
    analysis = clv.analyse_clv(tx, calibration_end="2025-12-31")
    assert analysis.fallback and "no purchases" in analysis.reasons[0]


def test_clv_shared_per_frequency_and_age_equals_the_month_by_month_sum():
    rng = np.random.default_rng(8)
    n = 2000
    x = rng.integers(0, 6, n).astype(float)
    T = rng.integers(1, 30, n) / 7 * 7.0  # many customers share an age, as in real data
    t_x = np.minimum(T, rng.uniform(0, 30, n)) * (x > 0)
    m = np.where(x > 0, rng.gamma(4, 10, n), 0.0)
    bg = clv.BGNBDFit(r=0.5, alpha=5.0, a=0.8, b=2.5, loglik=0.0, converged=True)
    gg = clv.GammaGammaFit(p=6.0, q=3.7, v=15.0, loglik=0.0, converged=True)
    value = clv.customer_lifetime_value(bg, gg, x, t_x, T, m, horizon_months=6, discount_rate=0.02)
    month = clv.DAYS_PER_MONTH / clv.DAYS_PER_UNIT["week"]
    spend = clv.expected_spend(gg, x, m)
    expected, previous = np.zeros(n), np.zeros(n)
    for i in range(1, 7):
        cumulative = clv.expected_purchases(bg, i * month, x, t_x, T)
        expected += (cumulative - previous) * spend / 1.02 ** i
        previous = cumulative
    np.testing.assert_allclose(value, expected, rtol=1e-12)
