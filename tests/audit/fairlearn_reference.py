#!/usr/bin/env python3
"""Impact ratios of an audit CSV computed with fairlearn, as a reference for `interviewer audit`.

Usage: fairlearn_reference.py FILE.csv selection|scoring

Reads the same columns the CLI reads (candidate, sex, race_ethnicity, and selected or score;
an empty category is unknown) and prints JSON: per dimension (sex, race_ethnicity,
intersectional) and category, the number of applicants, the selection rate (fairlearn's
`selection_rate` through a `MetricFrame`), the impact ratio against the highest rate, the
two-sided Fisher exact p-value against the highest category (scipy), and fairlearn's own
`MetricFrame.ratio()` (lowest rate over highest).
"""

import json
import sys

import pandas as pd
from fairlearn.metrics import MetricFrame, selection_rate
from scipy.stats import fisher_exact


def main(path, mode):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if mode == "scoring":
        score = df["score"].astype(float)
        # LL144's scoring rate: scored above the median of the whole sample.
        favourable = (score > score.median()).astype(int)
    else:
        favourable = df["selected"].astype(int)
    dims = {
        "sex": df["sex"],
        "race_ethnicity": df["race_ethnicity"],
        "intersectional": (df["race_ethnicity"] + " " + df["sex"]).where(
            (df["sex"] != "") & (df["race_ethnicity"] != ""), ""
        ),
    }
    out = {}
    for name, feature in dims.items():
        known = feature != ""
        y = favourable[known]
        mf = MetricFrame(metrics=selection_rate, y_true=y, y_pred=y, sensitive_features=feature[known])
        rates = mf.by_group
        counts = feature[known].value_counts()
        fav = y.groupby(feature[known]).sum()
        top = rates.idxmax()
        categories = {}
        for cat, rate in rates.items():
            p = None
            if cat != top:
                table = [[int(fav[cat]), int(counts[cat] - fav[cat])],
                         [int(fav[top]), int(counts[top] - fav[top])]]
                p = float(fisher_exact(table, alternative="two-sided").pvalue)
            categories[cat] = {
                "applicants": int(counts[cat]),
                "rate": float(rate),
                "impact_ratio": float(rate / rates.max()),
                "fisher_p": p,
            }
        out[name] = {
            "unknown": int((~known).sum()),
            "top": top,
            "min_over_max": float(mf.ratio()),
            "categories": categories,
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("selection", "scoring"):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
