"""Benchmark: predictive CLV (RFM summary + BG/NBD + Gamma-Gamma + 12-month CLV) against
``lifetimes`` 0.11.3 on the same generated file.

    .venv/bin/python -m bench.bench_clv [--rows 1000000] [--lifetimes-python PATH]

Ours runs in this process; lifetimes runs in its own venv (it needs older pandas/scipy), by
default ``bench/.venv-lifetimes``, created with

    python3 -m venv bench/.venv-lifetimes
    bench/.venv-lifetimes/bin/pip install lifetimes==0.11.3 pandas==1.5.3 numpy==1.24.4 \
        scipy==1.10.1

(lifetimes 0.11.3 predates pandas 2 and numpy 2; this combination works on Python 3.11.)

Both compute the same thing: frequency = distinct purchase days - 1, recency and T in weeks
(lifetimes: freq="D", freq_multiplier=7), fits by maximum likelihood, CLV over 12 months at
1 % a month. The time of merely parsing the CSV with pyarrow is printed for reference. When
the lifetimes venv holds its CDNOW data sets, our fits are also checked against the published
CDNOW parameters.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from canvas.analytics import clv
from tools.simulation import simulate_transactions

ROOT = Path(__file__).resolve().parents[1]

OUT = ROOT / "bench" / "out"
CALIBRATION_END = "2023-12-31"
# Chosen so that about 170k customers make about 1M transactions over three years.
SIMULATION = dict(r=0.8, alpha=11.0, a=0.6, b=3.5, p=6.25, q=3.74, v=15.44,
                  start="2021-01-01", end="2023-12-31")

LIFETIMES_SCRIPT = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
path, calibration_end = sys.argv[1], sys.argv[2]
tx = pd.read_csv(path, parse_dates=["date"], dtype={"customer_id": str})
t0 = time.perf_counter()
s = summary_data_from_transaction_data(tx, "customer_id", "date", "amount",
                                       observation_period_end=calibration_end,
                                       freq="D", freq_multiplier=7)
t1 = time.perf_counter()
bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
t2 = time.perf_counter()
repeat = s[s["frequency"] > 0]
gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
t3 = time.perf_counter()
value = gg.customer_lifetime_value(bg, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                                   time=12, discount_rate=0.01, freq="W")
t4 = time.perf_counter()
print(json.dumps({"summary": t1 - t0, "bgnbd": t2 - t1, "gamma_gamma": t3 - t2, "clv": t4 - t3,
                  "total": t4 - t0, "customers": len(s),
                  "params": {**bg.params_.to_dict(), **gg.params_.to_dict()},
                  "clv_mean": float(value.mean())}))
"""

CDNOW_SCRIPT = r"""
import json, lifetimes, os
print(json.dumps(os.path.join(os.path.dirname(lifetimes.__file__), "datasets")))
"""


def generate(rows: int) -> Path:
    """Write (once) a CSV of about ``rows`` transactions simulated from BG/NBD + Gamma-Gamma."""
    path = OUT / f"clv_{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    customers = int(rows * 0.17)
    tx = simulate_transactions(customers, **SIMULATION, seed=7)
    tx["date"] = tx["date"].dt.floor("s")
    pacsv.write_csv(pa.Table.from_pandas(tx, preserve_index=False), path)
    return path


def read(path: Path) -> pd.DataFrame:
    """A minimal pyarrow reader standing in for canvas.customer_data.ingest in the benchmark."""
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={"customer_id": pa.string(), "date": pa.timestamp("ns"),
                      "amount": pa.float64()}))
    # self_destruct frees each Arrow column as it is converted, halving peak memory.
    return table.to_pandas(self_destruct=True, split_blocks=True)


def run_ours(tx: pd.DataFrame) -> dict:
    steps = {}
    t0 = time.perf_counter()
    summary = clv.rfm_summary(tx, calibration_end=CALIBRATION_END, time_unit="week")
    t1 = time.perf_counter()
    bg = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    t2 = time.perf_counter()
    gg = clv.fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    t3 = time.perf_counter()
    value = clv.customer_lifetime_value(bg, gg, summary["frequency"], summary["recency"],
                                        summary["T"], summary["monetary_value"],
                                        time_unit="week", horizon_months=12,
                                        discount_rate=0.01)
    t4 = time.perf_counter()
    steps.update(summary=t1 - t0, bgnbd=t2 - t1, gamma_gamma=t3 - t2, clv=t4 - t3, total=t4 - t0)
    t5 = time.perf_counter()
    report = clv.clv_report(tx, calibration_end=CALIBRATION_END, time_unit="week")
    steps["clv_report"] = time.perf_counter() - t5
    steps["customers"] = len(summary)
    steps["params"] = {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b,
                       "p": gg.p, "q": gg.q, "v": gg.v}
    steps["clv_mean"] = float(np.mean(value))
    steps["fallback"] = report["fallback"]
    return steps


def cdnow_check(python: Path) -> None:
    where = subprocess.run([str(python), "-c", CDNOW_SCRIPT], capture_output=True, text=True)
    if where.returncode:
        return
    folder = Path(json.loads(where.stdout))
    summary = pd.read_csv(folder / "cdnow_customers_summary.csv")
    bg = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    spend = pd.read_csv(folder / "cdnow_customers_summary_with_transactions.csv")
    gg = clv.fit_gamma_gamma(spend["x"], spend["zbar"])
    print("\nCDNOW check (published: r=0.243 alpha=4.414 a=0.793 b=2.426 LL=-9582.4; "
          "p=6.25 q=3.74 v=15.44)")
    print(f"  ours: r={bg.r:.3f} alpha={bg.alpha:.3f} a={bg.a:.3f} b={bg.b:.3f} "
          f"LL={bg.loglik:.1f}; p={gg.p:.2f} q={gg.q:.2f} v={gg.v:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lifetimes-python", type=Path,
                        default=ROOT / "bench" / ".venv-lifetimes" / "bin" / "python")
    args = parser.parse_args()

    path = generate(args.rows)
    path.read_bytes()  # warm the page cache so the parse timing is of parsing alone
    t0 = time.perf_counter()
    pacsv.read_csv(path)
    parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    tx = read(path)
    load = time.perf_counter() - t0
    print(f"data: {path.relative_to(ROOT)}, {len(tx):,} transactions, "
          f"{tx['customer_id'].nunique():,} customers")
    print(f"pyarrow CSV parse only: {parse:.2f} s; parse + to pandas: {load:.2f} s")

    ours = run_ours(tx)
    print("\nours (in process, after loading):")
    for step in ("summary", "bgnbd", "gamma_gamma", "clv", "total"):
        print(f"  {step:<12} {ours[step]:7.3f} s")
    print(f"  clv_report (everything incl. checks, per-segment, per-customer frame): "
          f"{ours['clv_report']:.3f} s; fallback: {ours['fallback']}")
    print("  params: " + " ".join(f"{k}={v:.4g}" for k, v in ours["params"].items())
          + f"; mean CLV {ours['clv_mean']:.3f}")

    if not args.lifetimes_python.exists():
        print(f"\nlifetimes venv not found at {args.lifetimes_python}: skipped "
              "(see this script's docstring to create it)")
        return
    done = subprocess.run([str(args.lifetimes_python), "-c", LIFETIMES_SCRIPT, str(path),
                           CALIBRATION_END], capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    print("\nlifetimes 0.11.3 (subprocess, after loading):")
    for step in ("summary", "bgnbd", "gamma_gamma", "clv", "total"):
        print(f"  {step:<12} {theirs[step]:7.3f} s")
    print("  params: " + " ".join(f"{k}={v:.4g}" for k, v in theirs["params"].items())
          + f"; mean CLV {theirs['clv_mean']:.3f}")
    print(f"\nratio ours / lifetimes: {ours['total'] / theirs['total']:.3f} "
          f"({theirs['total'] / ours['total']:.1f}x faster); "
          f"mean CLV differs by {abs(ours['clv_mean'] / theirs['clv_mean'] - 1):.2%} "
          "(lifetimes counts a month as 4.345 weeks, we as 4.348)")
    cdnow_check(args.lifetimes_python)


if __name__ == "__main__":
    main()
