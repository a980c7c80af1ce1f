"""Generate the demo customer data of “Kettle & Crema”, a specialty coffee subscription.

Seeded, so every run writes the same files; the output is committed under ``data/demo/`` and the
app never needs to run this. Run it again after changing the business below:

    python data/make_demo_data.py

Three segments that behave differently, over two years (Nov 2024 - Oct 2026):
- Home brewers: monthly subscription bags, moderate churn, occasional add-on purchases.
- Office teams: few customers, large monthly orders, very low churn, a key-account manager.
- Gift buyers: mostly one order around the holidays; some come back the next season.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20241101
START = pd.Timestamp("2024-11-01")
END = pd.Timestamp("2026-10-31")  # last day of data
OUT = Path(__file__).resolve().parent / "demo"

# name: (customers, monthly churn, orders per active month, mean order value, (unused) sd,
#        acquisition spend per new customer, NPS score weights for 0..10, share answering surveys)
SEGMENTS = {
    "Home brewers": dict(customers=2600, churn=0.075, orders=1.15, aov=27.0, sd=6.0, cac=38.0,
                         nps=[1, 1, 1, 2, 2, 4, 6, 12, 20, 24, 27], csat=[3, 5, 12, 40, 40]),
    "Office teams": dict(customers=240, churn=0.02, orders=1.6, aov=310.0, sd=120.0, cac=420.0,
                         nps=[0, 0, 1, 1, 1, 2, 4, 10, 22, 28, 31], csat=[1, 2, 8, 35, 54]),
    "Gift buyers": dict(customers=1500, churn=0.0, orders=1.0, aov=58.0, sd=18.0, cac=24.0,
                        nps=[2, 2, 3, 4, 5, 8, 10, 16, 18, 16, 16], csat=[5, 8, 17, 40, 30]),
}
MONTHS = pd.period_range(START, END, freq="M")


def _acquisition_months(rng: np.random.Generator, segment: str, n: int) -> np.ndarray:
    """Month index (0-23) of each customer's first order."""
    index = np.arange(len(MONTHS))
    if segment == "Gift buyers":
        weights = np.where(np.isin(MONTHS.month, [11, 12]), 9.0, 1.0)  # the holiday season
    else:
        weights = 1.0 + index / len(MONTHS) * 1.5  # a growing business
    return rng.choice(index, size=n, p=weights / weights.sum())


def make_transactions(rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    next_customer = 1
    for segment, p in SEGMENTS.items():
        n = p["customers"]
        ids = np.array([f"C{i:05d}" for i in range(next_customer, next_customer + n)])
        next_customer += n
        first = _acquisition_months(rng, segment, n)
        if segment == "Gift buyers":
            # One order; a third come back for the next holiday season, if it is in the window.
            months = [first]
            again = (rng.random(n) < 0.33) & (first + 12 < len(MONTHS))
            customer_idx = [np.arange(n), np.flatnonzero(again)]
            months.append(first[again] + 12)
            customer_idx = np.concatenate(customer_idx)
            month_idx = np.concatenate(months)
        else:
            # Customers differ in loyalty: each has their own monthly churn (beta around the mean).
            churn = rng.beta(1.5, 1.5 * (1 - p["churn"]) / p["churn"], size=n)
            lifetime = rng.geometric(np.clip(churn, 1e-4, 1.0))  # active months, first one included
            last = np.minimum(first + lifetime - 1, len(MONTHS) - 1)
            span = last - first + 1
            customer_idx = np.repeat(np.arange(n), span)
            month_idx = np.repeat(first, span) + (np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span))
            # Some active months have an extra order (add-ons, a second office delivery).
            extra = rng.random(len(month_idx)) < (p["orders"] - 1.0)
            customer_idx = np.concatenate([customer_idx, customer_idx[extra]])
            month_idx = np.concatenate([month_idx, month_idx[extra]])
        start = MONTHS[month_idx].start_time
        days = MONTHS[month_idx].days_in_month.to_numpy()
        when = start + pd.to_timedelta(rng.integers(0, days), unit="D") + pd.to_timedelta(
            rng.integers(7 * 3600, 22 * 3600, size=len(days)), unit="s"
        )
        # Each customer has their own typical basket (gamma around the segment's mean), and each
        # order varies around it: the heterogeneity a spend model (Gamma-Gamma) expects.
        typical = p["aov"] * rng.gamma(4.0, 0.25, size=n)
        basket = rng.gamma(6.0, 1 / 6.0, size=len(days))  # this order against the typical one
        amount = np.round(np.maximum(typical[customer_idx] * basket, 1.0), 2)
        frames.append(pd.DataFrame({"customer_id": ids[customer_idx], "order_date": when,
                                    "amount": amount, "segment": segment}))
    tx = pd.concat(frames, ignore_index=True).sort_values("order_date", kind="stable", ignore_index=True)
    tx = tx[tx["order_date"] <= END + pd.Timedelta(days=1)]
    tx.insert(0, "order_id", [f"KC-{i:06d}" for i in range(100001, 100001 + len(tx))])
    # About 1 % of orders are partly refunded a few days later: a negative row, same order id.
    refunded = tx.sample(frac=0.01, random_state=SEED)
    refunds = refunded.assign(
        order_date=refunded["order_date"] + pd.Timedelta(days=3),
        amount=-np.round(refunded["amount"] * 0.5, 2),
    )
    refunds = refunds[refunds["order_date"] <= END]
    tx = pd.concat([tx, refunds]).sort_values("order_date", kind="stable", ignore_index=True)
    tx["order_date"] = tx["order_date"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return tx[["order_id", "customer_id", "order_date", "amount", "segment"]]


def make_surveys(rng: np.random.Generator, tx: pd.DataFrame) -> pd.DataFrame:
    customers = tx.groupby("customer_id").agg(segment=("segment", "first"), first=("order_date", "min"))
    rows = []
    for segment, p in SEGMENTS.items():
        members = customers[customers["segment"] == segment]
        answered = members.sample(frac=0.3, random_state=rng.integers(1 << 31))
        n = len(answered)
        nps_w = np.array(p["nps"], dtype=float)
        csat_w = np.array(p["csat"], dtype=float)
        when = pd.to_datetime(answered["first"]) + pd.to_timedelta(rng.integers(14, 60, size=n), unit="D")
        rows.append(pd.DataFrame({
            "customer_id": answered.index,
            "response_date": when.clip(upper=END).dt.strftime("%Y-%m-%d"),
            "nps": rng.choice(11, size=n, p=nps_w / nps_w.sum()),
            "csat": rng.choice(np.arange(1, 6), size=n, p=csat_w / csat_w.sum()),
        }))
    return pd.concat(rows, ignore_index=True).sort_values("response_date", ignore_index=True)


def make_spend(tx: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    first = tx[tx["amount"] > 0].groupby("customer_id").agg(
        segment=("segment", "first"), first=("order_date", "min")
    )
    first["month"] = pd.to_datetime(first["first"]).dt.strftime("%Y-%m")
    new = first.groupby(["month", "segment"]).size().rename("new").reset_index()
    new["amount"] = [
        round(n * SEGMENTS[s]["cac"] * rng.uniform(0.8, 1.2), 2) for n, s in zip(new["new"], new["segment"])
    ]
    return new.rename(columns={"month": "period"})[["period", "segment", "amount"]]


def main() -> None:
    rng = np.random.default_rng(SEED)
    OUT.mkdir(exist_ok=True)
    tx = make_transactions(rng)
    tx.to_csv(OUT / "transactions.csv", index=False)
    make_surveys(rng, tx).to_csv(OUT / "surveys.csv", index=False)
    make_spend(tx, rng).to_csv(OUT / "spend.csv", index=False)
    print(f"{len(tx):,} transaction rows, {tx['customer_id'].nunique():,} customers -> {OUT}")


if __name__ == "__main__":
    main()
