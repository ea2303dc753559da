#!/usr/bin/env python3
"""Writes reference.json: log-densities, entropies, moments, CDFs, quantiles and KL divergences of Gen's
distribution families at a table of float64 parameters, computed independently with mpmath at 50 significant
digits and cross-checked against scipy where scipy has the quantity.

Run from anywhere with the Debian packages python3-mpmath and python3-scipy installed:

    /usr/bin/python3 tests/Gen.Probability.Tests/Reference/generate.py

The tests read only the generated table; neither Python nor mpmath is needed to run them.

Each case records the expected value (rounded once, to nearest, from the 50-digit result) and a condition scale:
the largest magnitude among the terms of the textbook formula (for example z^2/2, log sigma and log(2 pi)/2 for a
normal log-density). A float64 evaluation of a sum cannot be more accurate than a few ulps of its largest term, so
the tests measure errors in ulps of max(|expected|, scale).
"""

import json
import math
import os
import sys

import mpmath as mp
from mpmath import mpf

mp.mp.dps = 50

try:
    import numpy as np
    from scipy import special as sps
    from scipy import stats
except ImportError:  # the cross-check is optional; the reference values come from mpmath alone
    stats = None

CASES = []
CROSS_CHECKED = [0]
DISAGREEMENTS = []


def F(x):
    """Exact mpmath value of a float64 parameter (parameters are float64 numbers, converted exactly)."""
    return mpf(float(x))


def enc(x):
    """A float64 for JSON, rounded once from the high-precision value; non-finite values as strings."""
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, mp.matrix):
        return [enc(x[i]) for i in range(x.rows)] if x.cols == 1 else [[enc(x[i, j]) for j in range(x.cols)] for i in range(x.rows)]
    f = float(x) if not isinstance(x, str) else x
    if isinstance(f, str):
        return f
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    return f


def scale_of(terms):
    finite = [abs(mpf(t)) for t in terms if mp.isfinite(mpf(t))]
    return float(max(finite)) if finite else 0.0


def add(family, params, quantity, expected, terms=(), at=None, scipy_value=None, note=None):
    case = {"id": f"{family}.{quantity}#{sum(1 for c in CASES if c['family'] == family and c['quantity'] == quantity)}",
            "family": family, "params": params, "quantity": quantity}
    if at is not None:
        case["at"] = at
    case["expected"] = enc(expected)
    case["scale"] = scale_of(terms) if terms else 0.0
    if note:
        case["note"] = note
    CASES.append(case)
    if scipy_value is not None and scipy_value is not False and stats is not None:
        cross_check(case, expected, scipy_value)


def cross_check(case, expected, scipy_value):
    exp = [expected] if not isinstance(expected, (list, tuple)) else list(expected)
    sv = np.atleast_1d(np.asarray(scipy_value, dtype=float)).ravel()
    for e, s in zip(exp, sv):
        e = float(e)
        if math.isnan(e) and math.isnan(s):
            continue
        if math.isinf(e) or math.isinf(s):
            if e != s:
                DISAGREEMENTS.append(f"{case['id']}: mpmath {e!r}, scipy {s!r}")
            continue
        tol = 1e-9 * max(abs(e), case["scale"], 1e-6)
        if abs(e - s) > tol:
            DISAGREEMENTS.append(f"{case['id']}: mpmath {e!r}, scipy {s!r}")
    CROSS_CHECKED[0] += 1


LOG2PI = mp.log(2 * mp.pi)


def cdf_scale(cdf, x, loc):
    """|F'(x)| (|x| + |loc|): the error a CDF inherits from rounding x - loc, as a condition scale."""
    return [mp.diff(cdf, F(x)) * (abs(F(x)) + abs(F(loc)))]


def icdf_scale(icdf, q, loc):
    """|Q'(q)| q + |loc|: the error a quantile inherits from rounding q and adding loc."""
    return [mp.diff(icdf, F(q)) * F(q), F(loc)]


# ---------------------------------------------------------------- location-scale families

def normal():
    for loc, sc in [(0.0, 1.0), (1.5, 0.25), (-3.0, 1e-150), (2.0, 1e150), (0.3, 7.0)]:
        p = {"loc": loc, "scale": sc}
        m, s = F(loc), F(sc)
        for x in [loc, loc + sc, loc - 3 * sc, loc + 40 * sc, loc + 1e3 * sc, loc + 1e-3 * sc]:
            z = (F(x) - m) / s
            lp = -z * z / 2 - mp.log(s) - LOG2PI / 2
            add("Normal", p, "log_prob", lp, [z * z / 2, mp.log(s), LOG2PI / 2], at=x, scipy_value=stats and stats.norm.logpdf(x, loc, sc))
        add("Normal", p, "entropy", mp.log(s) + (1 + LOG2PI) / 2, [mp.log(s), (1 + LOG2PI) / 2], scipy_value=stats and stats.norm.entropy(loc, sc))
        add("Normal", p, "mean", m)
        add("Normal", p, "variance", s * s)
    p = {"loc": 0.5, "scale": 2.0}
    for z in [-40.0, -8.0, -1.0, 0.0, 0.5, 3.0, 8.0]:
        x = 0.5 + 2.0 * z
        add("Normal", p, "cdf", mp.ncdf((F(x) - F(0.5)) / 2), cdf_scale(lambda v: mp.ncdf((v - F(0.5)) / 2), x, 0.5), at=x, scipy_value=stats and stats.norm.cdf(x, 0.5, 2.0))
    for q in [1e-300, 1e-10, 0.025, 0.5, 0.9, 0.999999]:
        x = mp.findroot(lambda t: mp.ncdf(t) - F(q), mp.mpf(float(stats.norm.ppf(q)) if stats else 0.0))
        add("Normal", p, "icdf", F(0.5) + 2 * x, [F(0.5), 2 * x, 2 * F(q) / mp.npdf(x)], at=q, scipy_value=stats and stats.norm.ppf(q, 0.5, 2.0))


def laplace():
    for loc, b in [(0.0, 1.0), (2.0, 0.125), (-1.0, 1e-200), (0.5, 1e200)]:
        p = {"loc": loc, "scale": b}
        m, s = F(loc), F(b)
        for x in [loc, loc + b, loc - 5 * b, loc + 700 * b]:
            d = abs(F(x) - m)
            add("Laplace", p, "log_prob", -d / s - mp.log(2 * s), [d / s, mp.log(2 * s)], at=x, scipy_value=stats and stats.laplace.logpdf(x, loc, b))
        add("Laplace", p, "entropy", 1 + mp.log(2 * s), [1, mp.log(2 * s)], scipy_value=stats and stats.laplace.entropy(loc, b))
        add("Laplace", p, "mean", m)
        add("Laplace", p, "variance", 2 * s * s)
    p = {"loc": 1.0, "scale": 0.5}
    for x in [-30.0, 0.0, 1.0, 1.0 + 2.0 ** -30, 1.5, 20.0]:
        d = F(x) - 1
        c = mp.exp(d / F(0.5)) / 2 if d < 0 else 1 - mp.exp(-d / F(0.5)) / 2
        lap = lambda v: mp.exp((v - 1) / F(0.5)) / 2 if v < 1 else 1 - mp.exp(-(v - 1) / F(0.5)) / 2
        add("Laplace", p, "cdf", c, cdf_scale(lap, x, 1.0), at=x, scipy_value=stats and stats.laplace.cdf(x, 1.0, 0.5))


def logistic():
    for loc, sc in [(0.0, 1.0), (1.0, 0.3), (-2.0, 1e-100), (3.0, 1e100)]:
        p = {"loc": loc, "scale": sc}
        m, s = F(loc), F(sc)
        for x in [loc, loc + sc, loc - 20 * sc, loc - 25 * sc, loc + 25 * sc, loc - 36 * sc, loc + 800 * sc]:
            z = (F(x) - m) / s
            lp = -z - 2 * mp.log1p(mp.exp(-z)) - mp.log(s)
            add("Logistic", p, "log_prob", lp, [z, 2 * mp.log1p(mp.exp(-z)), mp.log(s)], at=x, scipy_value=stats and stats.logistic.logpdf(x, loc, sc))
        add("Logistic", p, "entropy", mp.log(s) + 2, [mp.log(s), 2], scipy_value=stats and stats.logistic.entropy(loc, sc))
        add("Logistic", p, "mean", m)
        add("Logistic", p, "variance", s * s * mp.pi ** 2 / 3)
    p = {"loc": 0.0, "scale": 2.0}
    for x in [-100.0, -3.0, 0.0, 1.0, 40.0]:
        add("Logistic", p, "cdf", 1 / (1 + mp.exp(-F(x) / 2)), cdf_scale(lambda v: 1 / (1 + mp.exp(-v / 2)), x, 0.0), at=x, scipy_value=stats and stats.logistic.cdf(x, 0.0, 2.0))


def cauchy():
    for loc, sc in [(0.0, 1.0), (2.0, 0.5), (-1.0, 1e-100), (0.0, 1e100)]:
        p = {"loc": loc, "scale": sc}
        m, s = F(loc), F(sc)
        for x in [loc, loc + sc, loc - 1e3 * sc, loc + 1e150 * sc]:
            z = (F(x) - m) / s
            lp = -mp.log(mp.pi) - mp.log(s) - mp.log1p(z * z)
            add("Cauchy", p, "log_prob", lp, [mp.log(mp.pi), mp.log(s), mp.log1p(z * z)], at=x, scipy_value=stats and stats.cauchy.logpdf(x, loc, sc))
        add("Cauchy", p, "entropy", mp.log(4 * mp.pi * s), [mp.log(4 * mp.pi), mp.log(s)], scipy_value=stats and stats.cauchy.entropy(loc, sc))
    p = {"loc": 1.0, "scale": 3.0}
    for x in [-1e6, -2.0, 1.0, 4.0, 1e3]:
        add("Cauchy", p, "cdf", mp.mpf(1) / 2 + mp.atan((F(x) - 1) / 3) / mp.pi, cdf_scale(lambda v: mp.atan((v - 1) / 3) / mp.pi, x, 1.0), at=x, scipy_value=stats and stats.cauchy.cdf(x, 1.0, 3.0))
    for q in [1e-6, 0.1, 0.5, 0.75, 0.999]:
        v = 1 + 3 * mp.tan(mp.pi * (F(q) - mpf(1) / 2))
        add("Cauchy", p, "icdf", v, icdf_scale(lambda w: 3 * mp.tan(mp.pi * (w - mpf(1) / 2)), q, 1.0), at=q, scipy_value=stats and stats.cauchy.ppf(q, 1.0, 3.0))


def student_t():
    for df, loc, sc in [(1.0, 0.0, 1.0), (2.5, 1.0, 2.0), (0.3, 0.0, 1.0), (30.0, -1.0, 0.5), (1e6, 0.0, 1.0), (1e10, 0.0, 1.0)]:
        p = {"df": df, "loc": loc, "scale": sc}
        nu, m, s = F(df), F(loc), F(sc)
        norm_terms = [mp.loggamma((nu + 1) / 2), mp.loggamma(nu / 2), mp.log(nu * mp.pi) / 2, mp.log(s)]
        norm = norm_terms[0] - norm_terms[1] - norm_terms[2] - norm_terms[3]
        for x in [loc, loc + sc, loc - 10 * sc, loc + 1e8 * sc]:
            z = (F(x) - m) / s
            tail = (nu + 1) / 2 * mp.log1p(z * z / nu)
            add("StudentT", p, "log_prob", norm - tail, norm_terms + [tail], at=x, scipy_value=stats and stats.t.logpdf(x, df, loc, sc))
        hu, h = (nu + 1) / 2, nu / 2
        lbeta = mp.loggamma(h) + mp.loggamma(mpf(1) / 2) - mp.loggamma(hu)
        terms = [hu * (mp.digamma(hu) - mp.digamma(h)), mp.log(nu) / 2, mp.loggamma(h), mp.log(mp.pi) / 2, mp.loggamma(hu), mp.log(s)]
        ent = terms[0] + terms[1] + lbeta + terms[5]
        add("StudentT", p, "entropy", ent, terms, scipy_value=stats and df < 1e5 and stats.t.entropy(df, loc, sc) or None)
        add("StudentT", p, "mean", m if nu > 1 else mp.nan)
        add("StudentT", p, "variance", s * s * nu / (nu - 2) if nu > 2 else (mp.inf if nu > 1 else mp.nan))


def uniform():
    for lo, hi in [(0.0, 1.0), (-2.0, 3.0), (1.0, 1.0 + 2.0 ** -40), (-1e150, 1e150)]:
        p = {"low": lo, "high": hi}
        a, b = F(lo), F(hi)
        for x in [lo, (lo + hi) / 2, hi]:
            add("Uniform", p, "log_prob", -mp.log(b - a), [mp.log(b - a)], at=x, scipy_value=stats and stats.uniform.logpdf(x, lo, hi - lo))
        add("Uniform", p, "entropy", mp.log(b - a), [mp.log(b - a)])
        add("Uniform", p, "mean", (a + b) / 2, [a / 2, b / 2])
        add("Uniform", p, "variance", (b - a) ** 2 / 12)
        for x in [lo - 1, lo + (hi - lo) / 4, hi, hi + 1]:
            add("Uniform", p, "cdf", min(max((F(x) - a) / (b - a), 0), 1), [(F(x) - a) / (b - a), F(x) / (b - a)], at=x)


# ---------------------------------------------------------------- positive and unit-interval families

def exponential():
    for rate in [1.0, 0.01, 250.0, 1e-200, 1e200]:
        p = {"rate": rate}
        r = F(rate)
        for x in [0.0, 1.0 / rate, 37.5 / rate, 1e-5 / rate]:
            add("Exponential", p, "log_prob", mp.log(r) - r * F(x), [mp.log(r), r * F(x)], at=x, scipy_value=stats and stats.expon.logpdf(x, scale=1 / rate))
            add("Exponential", p, "cdf", -mp.expm1(-r * F(x)), [mp.exp(-r * F(x)) * r * F(x)], at=x, scipy_value=stats and stats.expon.cdf(x, scale=1 / rate))
        add("Exponential", p, "entropy", 1 - mp.log(r), [1, mp.log(r)], scipy_value=stats and stats.expon.entropy(scale=1 / rate))
        add("Exponential", p, "mean", 1 / r)
        add("Exponential", p, "variance", 1 / r ** 2)


def gamma():
    for a, b in [(1.0, 1.0), (0.5, 2.0), (3.5, 0.25), (1e-3, 1.0), (1e3, 10.0), (1e8, 1e8)]:
        p = {"concentration": a, "rate": b}
        al, be = F(a), F(b)
        for x in [a / b, 1e-5 * a / b, 10 * a / b + 5 / b, 1e-300]:
            terms = [al * mp.log(be), (al - 1) * mp.log(F(x)), be * F(x), mp.loggamma(al)]
            add("Gamma", p, "log_prob", terms[0] + terms[1] - terms[2] - terms[3], terms, at=x, scipy_value=stats and stats.gamma.logpdf(x, a, scale=1 / b))
        terms = [al, mp.log(be), mp.loggamma(al), (1 - al) * mp.digamma(al)]
        add("Gamma", p, "entropy", terms[0] - terms[1] + terms[2] + terms[3], terms, scipy_value=stats and stats.gamma.entropy(a, scale=1 / b))
        add("Gamma", p, "mean", al / be)
        add("Gamma", p, "variance", al / be ** 2)


def log_beta(a, b):
    return mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)


def beta():
    for a, b in [(1.0, 1.0), (0.5, 0.5), (2.0, 5.0), (1e-3, 3.0), (300.0, 200.0), (1e6, 2e6)]:
        p = {"concentration1": a, "concentration0": b}
        al, be = F(a), F(b)
        lb_terms = [mp.loggamma(al), mp.loggamma(be), mp.loggamma(al + be)]
        for x in [0.5, a / (a + b), 1e-10, 1 - 2.0 ** -30]:
            xx = F(x)
            terms = [(al - 1) * mp.log(xx), (be - 1) * mp.log1p(-xx)] + lb_terms
            add("Beta", p, "log_prob", terms[0] + terms[1] - log_beta(al, be), terms, at=x, scipy_value=stats and stats.beta.logpdf(x, a, b))
        s = al + be
        terms = lb_terms + [(al - 1) * mp.digamma(al), (be - 1) * mp.digamma(be), (s - 2) * mp.digamma(s)]
        ent = log_beta(al, be) - terms[3] - terms[4] + terms[5]
        add("Beta", p, "entropy", ent, terms, scipy_value=stats and a < 1e5 and stats.beta.entropy(a, b) or None)  # scipy integrates numerically and fails for large a, b
        add("Beta", p, "mean", al / s)
        add("Beta", p, "variance", al * be / (s * s * (s + 1)))


def dirichlet():
    for alpha, x in [([1.0, 1.0, 1.0], [0.2, 0.3, 0.5]), ([0.5, 2.0, 7.0], [0.125, 0.25, 0.625]),
                     ([1e-2, 1e-2], [0.5, 0.5]), ([300.0, 100.0, 600.0], [0.25, 0.25, 0.5])]:
        p = {"concentration": alpha}
        a = [F(v) for v in alpha]
        xs = [F(v) for v in x]
        a0 = sum(a)
        lnorm_terms = [mp.loggamma(v) for v in a] + [mp.loggamma(a0)]
        lnorm = sum(lnorm_terms[:-1]) - lnorm_terms[-1]
        xterms = [(ai - 1) * mp.log(xi) for ai, xi in zip(a, xs)]
        add("Dirichlet", p, "log_prob", sum(xterms) - lnorm, xterms + lnorm_terms, at=x, scipy_value=stats and stats.dirichlet.logpdf(x, alpha))
        k = len(a)
        eterms = lnorm_terms + [(a0 - k) * mp.digamma(a0)] + [(ai - 1) * mp.digamma(ai) for ai in a]
        ent = lnorm + (a0 - k) * mp.digamma(a0) - sum((ai - 1) * mp.digamma(ai) for ai in a)
        add("Dirichlet", p, "entropy", ent, eterms, scipy_value=stats and stats.dirichlet.entropy(alpha))
        add("Dirichlet", p, "mean", [ai / a0 for ai in a])
        add("Dirichlet", p, "variance", [ai * (a0 - ai) / (a0 * a0 * (a0 + 1)) for ai in a])


def log_normal():
    for loc, sc in [(0.0, 1.0), (1.0, 0.5), (-2.0, 3.0), (0.0, 1e-3)]:
        p = {"loc": loc, "scale": sc}
        m, s = F(loc), F(sc)
        for x in [1.0, math.exp(loc), 1e-300, 1e300, 3.0]:
            lx = mp.log(F(x))
            z = (lx - m) / s
            terms = [z * z / 2, mp.log(s), LOG2PI / 2, lx]
            add("LogNormal", p, "log_prob", -terms[0] - terms[1] - terms[2] - terms[3], terms, at=x, scipy_value=stats and stats.lognorm.logpdf(x, sc, scale=math.exp(loc)))
        add("LogNormal", p, "entropy", m + mp.log(s) + (1 + LOG2PI) / 2, [m, mp.log(s), (1 + LOG2PI) / 2])
        add("LogNormal", p, "mean", mp.exp(m + s * s / 2))
        add("LogNormal", p, "variance", mp.expm1(s * s) * mp.exp(2 * m + s * s))


def half_normal():
    for sc in [1.0, 0.01, 1e100, 1e-100]:
        p = {"scale": sc}
        s = F(sc)
        for x in [0.0, sc, 30 * sc, 1e-3 * sc]:
            z = F(x) / s
            terms = [mp.log(2 / mp.pi) / 2, mp.log(s), z * z / 2]
            add("HalfNormal", p, "log_prob", terms[0] - terms[1] - terms[2], terms, at=x, scipy_value=stats and stats.halfnorm.logpdf(x, scale=sc))
        add("HalfNormal", p, "entropy", mp.log(s) + mp.log(mp.pi / 2) / 2 + mpf(1) / 2, [mp.log(s), mp.log(mp.pi / 2) / 2, mpf(1) / 2], scipy_value=stats and stats.halfnorm.entropy(scale=sc))
        add("HalfNormal", p, "mean", s * mp.sqrt(2 / mp.pi))
        add("HalfNormal", p, "variance", s * s * (1 - 2 / mp.pi))


# ---------------------------------------------------------------- multivariate normals

def mvn_logpdf(mu, cov, x):
    d = len(mu)
    c = mp.matrix(cov)
    diff = mp.matrix([F(xi) - F(mi) for xi, mi in zip(x, mu)])
    sol = mp.lu_solve(c, diff)
    maha = sum(diff[i] * sol[i] for i in range(d))
    logdet = mp.log(mp.det(c))
    return -(d * LOG2PI + maha + logdet) / 2, [d * LOG2PI / 2, maha / 2, logdet / 2]


def multivariate_normal():
    tril_cases = [
        ([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]),
        ([1.0, -2.0, 0.5], [[2.0, 0.0, 0.0], [0.5, 1.5, 0.0], [-1.0, 0.25, 0.75]]),
        ([0.0, 1.0], [[1e-3, 0.0], [2.0, 1e-4]]),
        ([3.0, 0.0, 0.0, 1.0], [[1.0, 0, 0, 0], [0.9, 0.4359, 0, 0], [0.1, -0.2, 1.3, 0], [0.0, 0.5, 0.5, 0.2]]),
    ]
    for loc, tril in tril_cases:
        d = len(loc)
        L = mp.matrix([[F(v) for v in row] for row in tril])
        cov = L * L.T
        p = {"loc": loc, "scaleTril": tril}
        for x in [loc, [v + 1 for v in loc], [v - 0.5 * (i + 1) for i, v in enumerate(loc)], [v + 100 for v in loc]]:
            lp, terms = mvn_logpdf(loc, cov, x)
            # scipy works from the rounded covariance (and calls the third case singular): cross-check the well-conditioned ones only
            add("MultivariateNormal", p, "log_prob", lp, terms, at=x,
                scipy_value=stats and tril[0][0] > 0.01 and stats.multivariate_normal.logpdf(x, loc, np.array(tril) @ np.array(tril).T, allow_singular=True))
        logdet = sum(mp.log(L[i, i]) for i in range(d))
        add("MultivariateNormal", p, "entropy", d * (1 + LOG2PI) / 2 + logdet, [d * (1 + LOG2PI) / 2, logdet])
        add("MultivariateNormal", p, "mean", [F(v) for v in loc])
        add("MultivariateNormal", p, "variance", [cov[i, i] for i in range(d)])


def low_rank_multivariate_normal():
    cases = [
        ([0.0, 0.0, 0.0], [[1.0], [0.5], [-1.0]], [1.0, 2.0, 0.5]),
        ([1.0, -1.0, 2.0, 0.0], [[1.0, 0.0], [0.5, 2.0], [0.0, -1.0], [3.0, 0.25]], [0.1, 0.2, 0.3, 0.4]),
        ([0.0, 0.0], [[1e3], [1e3]], [1e-3, 1e-3]),
    ]
    for loc, w, dg in cases:
        d = len(loc)
        W = mp.matrix([[F(v) for v in row] for row in w])
        cov = W * W.T
        for i in range(d):
            cov[i, i] += F(dg[i])
        p = {"loc": loc, "covarianceFactor": w, "covarianceDiagonal": dg}
        for x in [loc, [v + 1 for v in loc], [v - 2.0 * (i % 2) for i, v in enumerate(loc)]]:
            lp, terms = mvn_logpdf(loc, cov, x)
            add("LowRankMultivariateNormal", p, "log_prob", lp, terms, at=x,
                scipy_value=stats and dg[0] > 0.01 and stats.multivariate_normal.logpdf(x, loc, np.array(w) @ np.array(w).T + np.diag(dg)))
        logdet = mp.log(mp.det(cov))
        add("LowRankMultivariateNormal", p, "entropy", (d * (1 + LOG2PI) + logdet) / 2, [d * (1 + LOG2PI) / 2, logdet / 2])
        add("LowRankMultivariateNormal", p, "variance", [cov[i, i] for i in range(d)])


# ---------------------------------------------------------------- discrete families

def sigmoid(t):
    return 1 / (1 + mp.exp(-t))


def binary_param(kind, v):
    """(p, log p, log(1 - p)) from logits or probabilities, exactly."""
    v = F(v)
    if kind == "logits":
        return sigmoid(v), -mp.log1p(mp.exp(-v)), -mp.log1p(mp.exp(v))
    return v, (mp.log(v) if v > 0 else -mp.inf), (mp.log1p(-v) if v < 1 else -mp.inf)


def xlog(w, lg):
    return mpf(0) if w == 0 else w * lg


def bernoulli():
    for kind, v in [("logits", 0.0), ("logits", 2.5), ("logits", -30.0), ("logits", 100.0), ("logits", -800.0),
                    ("probs", 0.3), ("probs", 0.0), ("probs", 1.0), ("probs", 1e-300), ("probs", 1 - 2.0 ** -40)]:
        p = {kind: v}
        pr, lp1, lp0 = binary_param(kind, v)
        q = mp.exp(lp0)  # 1 - p, without the cancellation of 1 - sigmoid(logits) at large logits
        for x in [0.0, 1.0]:
            add("Bernoulli", p, "log_prob", lp1 if x == 1 else lp0, at=x)
        add("Bernoulli", p, "entropy", -(xlog(pr, lp1) + xlog(q, lp0)), scipy_value=stats and kind == "probs" and stats.bernoulli.entropy(v) or None)
        add("Bernoulli", p, "mean", pr)
        add("Bernoulli", p, "variance", pr * q)


def categorical(family="Categorical"):
    for kind, v in [("logits", [0.0, 1.0, 2.0]), ("logits", [-50.0, 0.0, 50.0, 700.0]), ("logits", [1.0, 1.0]),
                    ("probs", [0.2, 0.3, 0.5]), ("probs", [2.0, 0.0, 6.0]), ("probs", [1e-300, 1.0])]:
        p = {kind: v}
        xs = [F(t) for t in v]
        if kind == "logits":
            mx = max(xs)
            lse = mx + mp.log(sum(mp.exp(t - mx) for t in xs))
            logp = [t - lse for t in xs]
            terms = [abs(t) for t in xs] + [abs(lse)]
        else:
            tot = sum(xs)
            logp = [mp.log(t / tot) if t > 0 else -mp.inf for t in xs]
            terms = []
        probs = [mp.exp(t) for t in logp]
        for i in range(len(v)):
            at = float(i) if family == "Categorical" else [1.0 if j == i else 0.0 for j in range(len(v))]
            add(family, p, "log_prob", logp[i], terms, at=at)
        add(family, p, "entropy", -sum(xlog(q, lq) for q, lq in zip(probs, logp)), [q * lq for q, lq in zip(probs, logp)],
            scipy_value=stats and sps.entr(np.array(v) / np.sum(v)).sum() if kind == "probs" else None)
        if family == "OneHotCategorical":
            add(family, p, "mean", probs)
            add(family, p, "variance", [q * (1 - q) for q in probs])


def binomial():
    for n, kind, v in [(10.0, "probs", 0.3), (1.0, "logits", 0.0), (0.0, "probs", 0.5), (100.0, "logits", -3.0),
                       (1000.0, "probs", 0.999), (1e6, "probs", 0.5), (20.0, "probs", 0.0), (20.0, "probs", 1.0)]:
        p = {"totalCount": n, kind: v}
        nn = F(n)
        pr, lp1, lp0 = binary_param(kind, v)
        for k in sorted({0.0, 1.0, math.floor(n / 2), n - 1, n} & {float(i) for i in range(0, int(n) + 1)} if n <= 1e3 else {0.0, n / 2, n}):
            if k < 0 or k > n:
                continue
            kk = F(k)
            lc = [mp.loggamma(nn + 1), mp.loggamma(kk + 1), mp.loggamma(nn - kk + 1)]
            lp = lc[0] - lc[1] - lc[2] + xlog(kk, lp1) + xlog(nn - kk, lp0)
            add("Binomial", p, "log_prob", lp, lc + [xlog(kk, lp1), xlog(nn - kk, lp0)], at=k,
                scipy_value=stats and kind == "probs" and stats.binom.logpmf(k, n, v) or None)
        add("Binomial", p, "mean", nn * pr)
        add("Binomial", p, "variance", nn * pr * mp.exp(lp0))


def poisson():
    for rate in [1.0, 0.0, 1e-5, 3.5, 1e4, 1e9]:
        p = {"rate": rate}
        r = F(rate)
        for k in [0.0, 1.0, math.floor(rate), math.floor(rate) + 7, 3 * math.floor(rate) + 2]:
            kk = F(k)
            terms = [xlog(kk, mp.log(r) if r > 0 else -mp.inf), r, mp.loggamma(kk + 1)]
            lp = terms[0] - terms[1] - terms[2]
            add("Poisson", p, "log_prob", lp, [t for t in terms if mp.isfinite(t)], at=k, scipy_value=stats and stats.poisson.logpmf(k, rate))
        add("Poisson", p, "mean", r)
        add("Poisson", p, "variance", r)


def geometric():
    for kind, v in [("probs", 0.5), ("probs", 1.0), ("probs", 1e-6), ("logits", 3.0), ("logits", -40.0), ("logits", 40.0)]:
        p = {kind: v}
        pr, lp1, lp0 = binary_param(kind, v)
        for k in [0.0, 1.0, 10.0, 1e6]:
            add("Geometric", p, "log_prob", lp1 + xlog(F(k), lp0), [lp1, xlog(F(k), lp0)], at=k,
                scipy_value=stats and kind == "probs" and stats.geom.logpmf(k + 1, v) or None)
        q = mp.exp(lp0)
        add("Geometric", p, "entropy", -(xlog(pr, lp1) + xlog(q, lp0)) / pr, [xlog(pr, lp1) / pr, xlog(q, lp0) / pr])
        add("Geometric", p, "mean", q / pr)
        add("Geometric", p, "variance", q / pr ** 2)


# ---------------------------------------------------------------- continuous Bernoulli and discretised logistic

def continuous_bernoulli():
    for kind, v in [("probs", 0.5), ("probs", 0.3), ("probs", 0.499), ("probs", 0.505), ("probs", 0.52), ("probs", 0.6),
                    ("probs", 1e-6), ("probs", 0.999), ("logits", 0.0), ("logits", 1e-8), ("logits", -0.1), ("logits", 4.0), ("logits", -30.0)]:
        p = {kind: v}
        lam, lp1, lp0 = binary_param(kind, v)
        t = lp1 - lp0  # the natural parameter, logit(lambda)
        if t == 0:
            lnorm, mean, var = mp.log(2), mpf(1) / 2, mpf(1) / 12
        else:
            lnorm = mp.log(t / mp.expm1(t))  # C = t / (e^t - 1) with respect to the measure e^(t x) dx ...
            lnorm = lnorm - lp0  # ... and lambda^x (1 - lambda)^(1 - x) = (1 - lambda) e^(t x)
            mean = 1 / (-mp.expm1(-t)) - 1 / t
            var = 1 / t ** 2 - 1 / (4 * mp.sinh(t / 2) ** 2)
        add("ContinuousBernoulli", p, "log_normalizer", lnorm, [mp.log(2)])
        for x in [0.0, 0.25, 0.5, 1.0]:
            lp = lnorm + xlog(F(x), lp1) + xlog(1 - F(x), lp0)
            add("ContinuousBernoulli", p, "log_prob", lp, [lnorm, xlog(F(x), lp1), xlog(1 - F(x), lp0)], at=x)
            cdf = F(x) if t == 0 else mp.expm1(t * F(x)) / mp.expm1(t)
            add("ContinuousBernoulli", p, "cdf", cdf, at=x)
        for u in [1e-9, 0.3, 0.5, 0.99]:
            q = F(u) if t == 0 else mp.log1p(F(u) * mp.expm1(t)) / t
            add("ContinuousBernoulli", p, "icdf", q, at=u)
        ent = -(lnorm + mean * lp1 + (1 - mean) * lp0)
        add("ContinuousBernoulli", p, "entropy", ent, [lnorm, mean * lp1, (1 - mean) * lp0])
        add("ContinuousBernoulli", p, "mean", mean)
        add("ContinuousBernoulli", p, "variance", var)


def dlogistic_logmass(loc, log_scale, k, levels):
    """log P(level k) for the PixelCNN++ discretised logistic, exactly."""
    s = mp.exp(F(log_scale))
    c = 2 * F(k) / (levels - 1) - 1 - F(loc)
    half = mpf(1) / (levels - 1)
    b, a = (c + half) / s, (c - half) / s
    if k == 0:
        value = -mp.log1p(mp.exp(-b))
    elif k == levels - 1:
        value = -mp.log1p(mp.exp(a))
    elif a < 0 < b:
        # log(sigma(b) - sigma(a)) = log(1 - sigma(a) - sigma(-b)): both tails small, no cancellation
        value = mp.log1p(-(sigmoid(a) + sigmoid(-b)))
    elif b <= 0:
        # log(sigma(b) - sigma(a)) = a + log(expm1(b - a)) - log1p(e^a) - log1p(e^b): every term small or dominant
        value = a + mp.log(mp.expm1(b - a)) - mp.log1p(mp.exp(a)) - mp.log1p(mp.exp(b))
    else:
        # the mirror image, sigma(-a) - sigma(-b), for a bin wholly above the location
        value = -b + mp.log(mp.expm1(b - a)) - mp.log1p(mp.exp(-b)) - mp.log1p(mp.exp(-a))
    # The bin edges (c +- half - loc) / s are rounded in float64 before anything else: their absolute error is about
    # (|c| + |loc| + half) / s ulps, and the log-mass moves by its derivative with respect to each edge times that.
    edge_error = (abs(2 * F(k) / (levels - 1) - 1) + abs(F(loc)) + half) / s
    # d/db log(sigma(b) - sigma(a)) = sigma(b) sigma(-b) / (sigma(b) - sigma(a)), in logs so that nothing underflows
    logsig = lambda t: -mp.log1p(mp.exp(-t))
    d_upper = mp.exp(logsig(b) + logsig(-b) - value) if k < levels - 1 else 0
    d_lower = mp.exp(logsig(a) + logsig(-a) - value) if k > 0 else 0
    return value, [value, edge_error * (abs(d_upper) + abs(d_lower))]


def discretized_logistic():
    for loc, ls, levels in [(0.0, -3.0, 256), (0.5, -6.0, 256), (-1.0, 0.0, 256), (0.99, -12.0, 256), (0.1, 2.0, 16), (-0.3, -20.0, 2)]:
        p = {"loc": loc, "logScale": ls, "levels": levels}
        for k in sorted({0, 1, levels // 2, round((loc + 1) * (levels - 1) / 2), levels - 2, levels - 1}):
            if 0 <= k < levels:
                value, terms = dlogistic_logmass(loc, ls, k, levels)
                add("DiscretizedLogistic", p, "log_prob", value, terms, at=float(k))
    # The mixture of PixelCNN++: logsumexp over components of log pi_k + log-mass.
    for logits, locs, lss, levels in [([0.0, 1.0, -1.0], [-0.5, 0.0, 0.7], [-3.0, -4.0, -2.0], 256),
                                      ([3.0, -30.0], [0.2, 0.25], [-8.0, -1.0], 256)]:
        p = {"logits": logits, "loc": locs, "logScale": lss, "levels": levels}
        lw = [F(v) for v in logits]
        lse = mp.log(sum(mp.exp(v) for v in lw))
        for k in [0, 64, 127, 160, 255]:
            parts = [dlogistic_logmass(locs[i], lss[i], k, levels) for i in range(len(lw))]
            comps = [lw[i] - lse + parts[i][0] for i in range(len(lw))]
            terms = [t for part in parts for t in part[1]] + [lse] + lw
            add("DiscretizedLogisticMixture", p, "log_prob", mp.log(sum(mp.exp(c) for c in comps)), terms, at=float(k))


# ---------------------------------------------------------------- KL divergences (every registered pair)

def kl_cases():
    def kl(pf, pp, qf, qq, value, terms=(), scipy_value=None):
        add("KL", {"p": {"family": pf, "params": pp}, "q": {"family": qf, "params": qq}}, f"{pf}|{qf}", value, terms, scipy_value=scipy_value)

    for (m1, s1), (m2, s2) in [((0.0, 1.0), (0.0, 1.0)), ((1.0, 2.0), (0.0, 1.0)), ((0.0, 1.0), (0.0, 1.0 + 2.0 ** -20)),
                               ((5.0, 1e-3), (-5.0, 1e3)), ((0.0, 1.0), (1e-8, 1.0))]:
        r = (F(s1) / F(s2)) ** 2
        t = ((F(m1) - F(m2)) / F(s2)) ** 2
        kl("Normal", {"loc": m1, "scale": s1}, "Normal", {"loc": m2, "scale": s2}, (r + t - 1 - mp.log(r)) / 2, [r / 2, t / 2, mpf(1) / 2, mp.log(r) / 2])
    # Independent diagonal normals: the sum of the elementwise terms.
    lp, sp, lq, sq = [1.0, 2.0, -1.0], [0.5, 2.0, 1.0], [0.0, 0.0, 0.0], [1.0, 3.0, 0.25]
    tot = mpf(0)
    terms = []
    for a, b, c, d in zip(lp, sp, lq, sq):
        r = (F(b) / F(d)) ** 2
        t = ((F(a) - F(c)) / F(d)) ** 2
        tot += (r + t - 1 - mp.log(r)) / 2
        terms += [r / 2, t / 2, mp.log(r) / 2]
    kl("DiagonalNormal", {"loc": lp, "scale": sp}, "DiagonalNormal", {"loc": lq, "scale": sq}, tot, terms)
    for (k1, v1), (k2, v2) in [(("probs", 0.3), ("logits", 0.4)), (("probs", 1.0), ("probs", 0.5)), (("probs", 0.0), ("probs", 0.25)),
                               (("logits", 100.0), ("logits", 100.0)), (("logits", -20.0), ("logits", 20.0)), (("probs", 0.5), ("probs", 1.0))]:
        p1, a1, b1 = binary_param(k1, v1)
        p2, a2, b2 = binary_param(k2, v2)
        q1 = mp.exp(b1)
        val = xlog(p1, a1 - a2) + xlog(q1, b1 - b2)
        kl("Bernoulli", {k1: v1}, "Bernoulli", {k2: v2}, val, [xlog(p1, a1), xlog(p1, a2), xlog(q1, b1), xlog(q1, b2)])
    for fam in ["Categorical", "OneHotCategorical"]:
        for (k1, v1), (k2, v2) in [(("probs", [0.2, 0.3, 0.5]), ("probs", [0.6, 0.2, 0.2])), (("logits", [0.0, 1.0, -2.0]), ("logits", [3.0, -1.0, 0.5])),
                                   (("probs", [0.0, 1.0]), ("probs", [0.5, 0.5])), (("probs", [0.5, 0.5]), ("probs", [1.0, 0.0]))]:
            def logp(kind, v):
                xs = [F(t) for t in v]
                if kind == "logits":
                    lse = mp.log(sum(mp.exp(t) for t in xs))
                    return [t - lse for t in xs]
                s = sum(xs)
                return [mp.log(t / s) if t > 0 else -mp.inf for t in xs]
            l1, l2 = logp(k1, v1), logp(k2, v2)
            val = sum(mpf(0) if l1i == -mp.inf else mp.exp(l1i) * (l1i - l2i) for l1i, l2i in zip(l1, l2))
            kl(fam, {k1: v1}, fam, {k2: v2}, val, [mp.exp(a) * a for a in l1 if a != -mp.inf] + [mp.exp(a) * b for a, b in zip(l1, l2) if mp.isfinite(b) and a != -mp.inf])
    for (lo, hi), (m, s) in [((0.0, 1.0), (0.0, 1.0)), ((-3.0, 5.0), (2.0, 0.5)), ((10.0, 10.001), (10.0, 1.0))]:
        w = F(hi) - F(lo)
        second = w * w / 12 + ((F(hi) + F(lo)) / 2 - F(m)) ** 2
        terms = [mp.log(w), mp.log(F(s)), LOG2PI / 2, second / (2 * F(s) ** 2)]
        kl("Uniform", {"low": lo, "high": hi}, "Normal", {"loc": m, "scale": s}, -terms[0] + terms[1] + terms[2] + terms[3], terms)
    for (m1, b1), (m2, b2) in [((0.0, 1.0), (0.0, 2.0)), ((1.0, 0.5), (-2.0, 3.0)), ((0.0, 1.0), (1e-9, 1.0)), ((0.0, 1e-3), (50.0, 1e-3))]:
        d = abs(F(m1) - F(m2))
        terms = [mp.log(F(b2) / F(b1)), d / F(b2), F(b1) / F(b2) * mp.exp(-d / F(b1)), 1]
        kl("Laplace", {"loc": m1, "scale": b1}, "Laplace", {"loc": m2, "scale": b2}, terms[0] + terms[1] + terms[2] - 1, terms)
    for r1, r2 in [(2.0, 3.0), (1.0, 1.0), (1e-3, 1e3), (1.0, 1.0 + 2.0 ** -30)]:
        a, b = F(r1), F(r2)
        kl("Exponential", {"rate": r1}, "Exponential", {"rate": r2}, mp.log(a / b) + b / a - 1, [mp.log(a / b), b / a, 1])
    for r1, r2 in [(2.0, 5.0), (0.0, 3.0), (1e4, 1.01e4), (1e-6, 1.0)]:
        a, b = F(r1), F(r2)
        val = xlog(a, mp.log(a) if a > 0 else 0) - xlog(a, mp.log(b)) - a + b
        kl("Poisson", {"rate": r1}, "Poisson", {"rate": r2}, val, [xlog(a, mp.log(a) if a > 0 else 0), xlog(a, mp.log(b)), a, b])
    for (l1, t1), (l2, t2) in [(([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]), ([1.0, -1.0], [[2.0, 0.0], [0.5, 0.5]])),
                               (([1.0, 2.0, 3.0], [[1.0, 0, 0], [0.3, 2.0, 0], [0.1, 0.2, 0.5]]), ([0.0, 2.5, 3.0], [[1.5, 0, 0], [-0.4, 1.0, 0], [0.0, 0.7, 0.9]]))]:
        d = len(l1)
        Lp = mp.matrix([[F(v) for v in row] for row in t1])
        Lq = mp.matrix([[F(v) for v in row] for row in t2])
        Sp, Sq = Lp * Lp.T, Lq * Lq.T
        Sqi = Sq ** -1
        tr = sum((Sqi * Sp)[i, i] for i in range(d))
        diff = mp.matrix([F(a) - F(b) for a, b in zip(l2, l1)])
        maha = (diff.T * Sqi * diff)[0, 0]
        ld = mp.log(mp.det(Sq)) - mp.log(mp.det(Sp))
        kl("MultivariateNormal", {"loc": l1, "scaleTril": t1}, "MultivariateNormal", {"loc": l2, "scaleTril": t2}, (tr + maha - d + ld) / 2, [tr / 2, maha / 2, mpf(d) / 2, ld / 2])
    for (a1, b1), (a2, b2) in [((2.0, 1.0), (3.0, 2.0)), ((0.5, 0.5), (0.5, 0.5)), ((1e-2, 1.0), (1.0, 1.0)), ((1e3, 1e3), (1.1e3, 1.1e3))]:
        ap, bp, aq, bq = F(a1), F(b1), F(a2), F(b2)
        terms = [(ap - aq) * mp.digamma(ap), mp.loggamma(ap), mp.loggamma(aq), aq * mp.log(bp), aq * mp.log(bq), ap * (bq - bp) / bp]
        val = terms[0] - terms[1] + terms[2] + terms[3] - terms[4] + terms[5]
        kl("Gamma", {"concentration": a1, "rate": b1}, "Gamma", {"concentration": a2, "rate": b2}, val, terms)
    for (a1, b1), (a2, b2) in [((2.0, 3.0), (1.0, 1.0)), ((0.5, 0.5), (2.0, 2.0)), ((1e-2, 1.0), (1.0, 1.0)), ((300.0, 200.0), (310.0, 190.0))]:
        a, b, c, e = F(a1), F(b1), F(a2), F(b2)
        terms = [mp.loggamma(c), mp.loggamma(e), mp.loggamma(c + e), mp.loggamma(a), mp.loggamma(b), mp.loggamma(a + b),
                 (a - c) * mp.digamma(a), (b - e) * mp.digamma(b), (c - a + e - b) * mp.digamma(a + b)]
        val = log_beta(c, e) - log_beta(a, b) + terms[6] + terms[7] + terms[8]
        kl("Beta", {"concentration1": a1, "concentration0": b1}, "Beta", {"concentration1": a2, "concentration0": b2}, val, terms)
    for v1, v2 in [([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]), ([0.5, 0.5], [1.0, 1.0]), ([50.0, 100.0, 150.0], [55.0, 95.0, 150.0])]:
        a = [F(v) for v in v1]
        b = [F(v) for v in v2]
        a0, b0 = sum(a), sum(b)
        lnb = sum(mp.loggamma(v) for v in b) - mp.loggamma(b0)
        lna = sum(mp.loggamma(v) for v in a) - mp.loggamma(a0)
        cross = [(ai - bi) * (mp.digamma(ai) - mp.digamma(a0)) for ai, bi in zip(a, b)]
        terms = [mp.loggamma(v) for v in a + b] + [mp.loggamma(a0), mp.loggamma(b0)] + cross
        kl("Dirichlet", {"concentration": v1}, "Dirichlet", {"concentration": v2}, lnb - lna + sum(cross), terms)


def main():
    for f in [normal, laplace, logistic, cauchy, student_t, uniform, exponential, gamma, beta, dirichlet, log_normal, half_normal,
              multivariate_normal, low_rank_multivariate_normal, bernoulli, categorical, lambda: categorical("OneHotCategorical"),
              binomial, poisson, geometric, continuous_bernoulli, discretized_logistic, kl_cases]:
        f()
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("{\n  \"generator\": \"generate.py (mpmath %s, %d digits)\",\n  \"cases\": [\n" % (mp.__version__, mp.mp.dps))
        fh.write(",\n".join("    " + json.dumps(c, allow_nan=False) for c in CASES))
        fh.write("\n  ]\n}\n")
    for d in DISAGREEMENTS:
        print("scipy disagrees: " + d, file=sys.stderr)
    print(f"{len(CASES)} cases written to {out}; {CROSS_CHECKED[0]} cross-checked against scipy", file=sys.stderr)


if __name__ == "__main__":
    main()
