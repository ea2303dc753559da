using System;
using System.Globalization;
using System.Linq;
using Gen.Probability;
using TorchSharp;

namespace Gen.Testing;

/// <summary>
/// Laws every distribution should satisfy, as framework-agnostic checks: each returns normally when the law holds
/// and throws <see cref="LawViolationException"/> with the numbers that disagree when it does not. Use float64
/// parameters; pass a seeded generator for repeatable runs.
/// </summary>
public static class DistributionLaws
{
    /// <summary>The log-density returned by SampleAndLogProb equals LogProb of the returned value.</summary>
    /// <param name="distribution">The distribution under test.</param>
    /// <param name="samples">How many draws to check.</param>
    /// <param name="tolerance">Largest allowed absolute difference, scaled by max(1, |log p|).</param>
    /// <param name="generator">Random generator; the global one when null.</param>
    public static void SampleAndLogProbAgrees(IDistribution distribution, long samples = 16, double tolerance = 1e-6, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var s = distribution.SampleAndLogProb(new[] { samples }, generator);
        var shape = new[] { samples }.Concat(distribution.BatchShape).ToArray();
        if (!s.LogProb.shape.SequenceEqual(shape) || !s.Value.shape.SequenceEqual(shape.Concat(distribution.EventShape)))
        {
            throw new LawViolationException($"SampleAndLogProb of {Describe(distribution)} gives values of shape {Shape.Format(s.Value.shape)} and log-densities of shape {Shape.Format(s.LogProb.shape)}, expected {Shape.Format(shape.Concat(distribution.EventShape).ToArray())} and {Shape.Format(shape)}.");
        }

        var expected = distribution.LogProb(s.Value);
        var error = (s.LogProb - expected).abs() / expected.abs().clamp_min(1);
        int worst = (int)error.flatten().argmax().item<long>();
        double e = error.flatten()[worst].ToDouble();
        if (!(e <= tolerance))
        {
            throw new LawViolationException($"SampleAndLogProb disagrees with LogProb for {Describe(distribution)}: at element {worst} SampleAndLogProb gives {F(s.LogProb.flatten()[worst])}, LogProb gives {F(expected.flatten()[worst])} (relative error {F(e)} > {F(tolerance)}).");
        }
    }

    /// <summary>
    /// The sample mean and variance of <paramref name="samples"/> draws agree with the distribution's Mean and Variance
    /// within <paramref name="standardErrors"/> standard errors (estimated from the samples themselves).
    /// </summary>
    public static void MomentsMatch(IDistribution distribution, long samples = 20000, double standardErrors = 5, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = distribution.Sample(new[] { samples }, generator).to_type(torch.float64);
        var n = (double)samples;
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        var variance = centred.square().mean(new long[] { 0 });
        var fourth = centred.pow(4).mean(new long[] { 0 });
        var seMean = (variance / n).sqrt();
        var seVar = ((fourth - variance.square()).clamp_min(0) / n).sqrt();
        Compare("mean", distribution, mean, distribution.Mean.to_type(torch.float64), seMean, standardErrors);
        Compare("variance", distribution, variance * (n / (n - 1)), distribution.Variance.to_type(torch.float64), seVar, standardErrors);
    }

    /// <summary>
    /// The samples follow the density (Stein's identity): for a continuous distribution on all of ℝ^D whose density is
    /// smooth and vanishes at infinity, integration by parts gives E[∇ log p(x)] = 0 and E[x_j ∂ᵢ log p(x)] = −δᵢⱼ
    /// under its own samples. Both are checked from <paramref name="samples"/> draws, entry by entry, for every batch
    /// element, with the score ∇ log p taken by autograd through <see cref="IDistribution.LogProb"/>. Unlike
    /// <see cref="MomentsMatch"/> it needs no closed-form moments and compares every pair of coordinates, so a sampler
    /// drawing at the wrong scale, location or correlation fails. It cannot see a constant missing from log p (use the
    /// integration laws for that). Not for distributions with bounded support or discrete values.
    /// </summary>
    /// <param name="distribution">The distribution under test; LogProb must be differentiable in its value.</param>
    /// <param name="samples">How many draws.</param>
    /// <param name="standardErrors">Allowed deviation per entry in standard errors, widened by √(2 ln m) for the m entries compared at once.</param>
    /// <param name="generator">Random generator; the global one when null.</param>
    public static void SamplesFollowTheDensity(IDistribution distribution, long samples = 20000, double standardErrors = 5, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (samples < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "SamplesFollowTheDensity needs at least 2 samples.");
        }

        using var scope = torch.NewDisposeScope();
        long batch = distribution.BatchShape.Aggregate(1L, (a, b) => a * b);
        long d = distribution.EventShape.Aggregate(1L, (a, b) => a * b);
        var x = distribution.Sample(new[] { samples }, generator).detach().clone().requires_grad_(true);
        torch.Tensor score;
        using (torch.enable_grad())
        {
            var lp = distribution.LogProb(x);
            if (!lp.requires_grad)
            {
                throw new ArgumentException($"SamplesFollowTheDensity needs LogProb of {Describe(distribution)} to be differentiable in its value.", nameof(distribution));
            }

            score = torch.autograd.grad(new[] { lp.sum() }, new[] { x })[0];
        }

        using var noGrad = torch.no_grad();
        var xs = x.detach().to_type(torch.float64).reshape(samples, batch, d);
        var s = score.to_type(torch.float64).reshape(samples, batch, d);
        // E[sᵢ] = 0 and E[x_j sᵢ] = −δᵢⱼ: [batch, d] and [batch, d, d] means of per-sample terms, with standard errors.
        var products = s.unsqueeze(-1) * xs.unsqueeze(-2); // [n, batch, d(i), d(j)]
        var target = -torch.eye(d, dtype: torch.float64).expand(batch, d, d);
        var n = (double)samples;
        long entries = batch * d * (d + 1);
        double k = standardErrors + Math.Sqrt(2 * Math.Log(entries));
        StateHolds("E[∇ log p] = 0", distribution, s.mean(new long[] { 0 }), torch.zeros(batch, d, dtype: torch.float64), s.std(0) / Math.Sqrt(n), k);
        StateHolds("E[x_j ∂ᵢ log p] = −δᵢⱼ", distribution, products.mean(new long[] { 0 }), target, products.std(0) / Math.Sqrt(n), k);
    }

    /// <summary>
    /// A distribution over scalars integrates to one over [<paramref name="low"/>, <paramref name="high"/>] (trapezoid
    /// rule on <paramref name="points"/> points), for every batch element. The interval must lie in the support and
    /// hold all but a negligible part of the mass.
    /// </summary>
    public static void IntegratesToOne(IDistribution distribution, double low, double high, int points = 2001, double tolerance = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        RequireEventRank(distribution, 0, nameof(IntegratesToOne));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grid = torch.linspace(low, high, points, dtype: torch.float64);
        var x = grid.reshape(new long[] { points }.Concat(distribution.BatchShape.Select(_ => 1L)).ToArray())
                    .expand(new long[] { points }.Concat(distribution.BatchShape).ToArray());
        var density = distribution.LogProb(x).to_type(torch.float64).exp();
        var integral = Trapezoid(density, (high - low) / (points - 1));
        CheckOne(distribution, integral, tolerance, $"over [{F(low)}, {F(high)}]");
    }

    /// <summary>
    /// A distribution over 2-vectors integrates to one over the square [<paramref name="low"/>, <paramref name="high"/>]²
    /// (trapezoid rule on a <paramref name="points"/> × <paramref name="points"/> grid), for every batch element.
    /// </summary>
    public static void IntegratesToOne2D(IDistribution distribution, double low, double high, int points = 401, double tolerance = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (distribution.EventShape.Length != 1 || distribution.EventShape[0] != 2)
        {
            throw new ArgumentException($"{nameof(IntegratesToOne2D)} needs event shape [2], got {Shape.Format(distribution.EventShape)}.", nameof(distribution));
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var g = torch.linspace(low, high, points, dtype: torch.float64);
        var xs = g.reshape(points, 1).expand(points, points);
        var ys = g.reshape(1, points).expand(points, points);
        var pairs = torch.stack(new[] { xs, ys }, -1); // [P, P, 2]
        var ones = distribution.BatchShape.Select(_ => 1L);
        var full = new long[] { points, points }.Concat(distribution.BatchShape).Append(2L).ToArray();
        var x = pairs.reshape(new long[] { points, points }.Concat(ones).Append(2L).ToArray()).expand(full);
        var density = distribution.LogProb(x).to_type(torch.float64).exp();
        double h = (high - low) / (points - 1);
        var integral = Trapezoid(Trapezoid(density, h), h);
        CheckOne(distribution, integral, tolerance, $"over [{F(low)}, {F(high)}]²");
    }

    /// <summary>
    /// The density integrates to one over ℝ^D, for events of any shape, by importance sampling: Z = E_r[p(x)/r(x)] is
    /// estimated from <paramref name="samples"/> draws of a reference r, a multivariate Student t with 3 degrees of
    /// freedom centred on the distribution's own sample mean with its sample covariance as scale matrix (heavier-tailed
    /// than most densities, so p/r stays bounded), and must be 1 within <paramref name="standardErrors"/> standard errors
    /// (plus <paramref name="tolerance"/>), for every batch element. It sees a constant missing from log p, which
    /// <see cref="SamplesFollowTheDensity"/> cannot; it does not need the sampler to be right, only to land where the
    /// mass is. For continuous distributions on all of ℝ^D with events of up to about ten numbers (beyond, importance
    /// weights degenerate) and tails no heavier than a Student t with 3 degrees of freedom.
    /// </summary>
    /// <param name="distribution">The distribution under test.</param>
    /// <param name="samples">Draws of the distribution (to place the reference) and of the reference each.</param>
    /// <param name="standardErrors">Allowed deviation of the estimate from 1, in standard errors of the estimate.</param>
    /// <param name="tolerance">Allowed deviation besides the statistical one.</param>
    /// <param name="generator">Random generator; the global one when null.</param>
    public static void IntegratesToOneBySampling(IDistribution distribution, long samples = 20000, double standardErrors = 5, double tolerance = 1e-3, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (samples < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "IntegratesToOneBySampling needs at least 2 samples.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        const double nu = 3;
        long batch = distribution.BatchShape.Aggregate(1L, (a, b) => a * b);
        long d = distribution.EventShape.Aggregate(1L, (a, b) => a * b);
        var own = distribution.Sample(new[] { samples }, generator);
        var dtype = own.dtype;
        var fit = own.to_type(torch.float64).cpu().reshape(samples, batch, d).transpose(0, 1); // [B, n, D]
        var mean = fit.mean(new long[] { 1 }, keepdim: true);
        var centred = fit - mean;
        var covariance = centred.transpose(1, 2).matmul(centred) / (samples - 1); // [B, D, D]
        var ridge = covariance.diagonal(0, -2, -1).mean(new long[] { -1 }).clamp_min(1e-300).reshape(batch, 1, 1) * 1e-9;
        var scale = torch.linalg.cholesky(covariance + ridge * torch.eye(d, dtype: torch.float64)); // [B, D, D]

        // x = m + L z / √(g/ν), z ~ N(0, I), g ~ χ²_ν = 2·Gamma(ν/2).
        var z = DeviceRandom.Normal(new[] { samples, batch, d }, torch.float64, torch.CPU, generator);
        var g = 2 * DeviceRandom.StandardGamma(torch.full(new[] { samples, batch }, nu / 2, dtype: torch.float64), generator);
        var x = mean.transpose(0, 1) + scale.matmul(z.unsqueeze(-1)).squeeze(-1) / (g / nu).sqrt().unsqueeze(-1); // [n, B, D]
        var halfLogDet = scale.diagonal(0, -2, -1).log().sum(-1); // [B]
        var logR = Lgamma((nu + d) / 2) - Lgamma(nu / 2) - d / 2.0 * Math.Log(nu * Math.PI) - halfLogDet
                   - (nu + d) / 2 * (z.square().sum(-1) / g).log1p(); // log1p(‖L⁻¹(x − m)‖²/ν) with ‖L⁻¹(x − m)‖² = ‖z‖²·ν/g

        var values = x.reshape(new[] { samples }.Concat(distribution.BatchShape).Concat(distribution.EventShape).ToArray()).to(dtype).to(own.device);
        var logP = distribution.LogProb(values).to_type(torch.float64).cpu().reshape(samples, batch);
        var w = (logP - logR).exp(); // [n, B]
        var estimate = w.mean(new long[] { 0 });
        var se = w.std(0) / Math.Sqrt(samples);
        var excess = (estimate - 1).abs() - (standardErrors * se + tolerance);
        int worst = (int)excess.nan_to_num(nan: double.PositiveInfinity).argmax().item<long>();
        if (!(excess[worst].ToDouble() <= 0))
        {
            throw new LawViolationException($"The density of {Describe(distribution)} integrates to {F(estimate[worst])} ± {F(se[worst])} (importance sampling, {samples} draws) at batch element {worst}, not 1; allowed {F(standardErrors)} standard errors plus {F(tolerance)}.");
        }
    }

    private static double Lgamma(double v) => torch.tensor(v, dtype: torch.float64).lgamma().item<double>();

    /// <summary>
    /// A discrete distribution's masses over an enumeration of (a truncation of) its support sum to one, for every
    /// batch element. <paramref name="support"/> has shape [M] ++ event shape, one support point per row.
    /// </summary>
    public static void SumsToOne(IDistribution distribution, torch.Tensor support, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(support);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long m = support.shape[0];
        var shape = new[] { m }.Concat(distribution.BatchShape.Select(_ => 1L)).Concat(distribution.EventShape).ToArray();
        var full = new[] { m }.Concat(distribution.BatchShape).Concat(distribution.EventShape).ToArray();
        var x = support.reshape(shape).expand(full);
        var total = distribution.LogProb(x).to_type(torch.float64).exp().sum(dim: 0);
        CheckOne(distribution, total, tolerance, $"over {m} support points");
    }

    /// <summary>The analytic KL(p ‖ q) is non-negative (up to <paramref name="tolerance"/>) and not NaN.</summary>
    public static void KlIsNonNegative(IDistribution p, IDistribution q, double tolerance = 1e-9)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var kl = Kl.Divergence(p, q).to_type(torch.float64).flatten();
        var bad = kl.isnan().logical_or(kl.lt(-tolerance));
        if (bad.any().item<bool>())
        {
            int i = (int)bad.to_type(torch.int32).argmax().item<long>();
            throw new LawViolationException($"KL({Describe(p)} ‖ {Describe(q)}) is {F(kl[i])} at batch element {i}, but a KL divergence is never negative.");
        }
    }

    /// <summary>
    /// The analytic KL(p ‖ q) agrees with the Monte Carlo mean of log p(x) − log q(x) over <paramref name="samples"/>
    /// draws from p, within <paramref name="standardErrors"/> standard errors of that mean (plus 1e-9).
    /// </summary>
    public static void KlAgreesWithMonteCarlo(IDistribution p, IDistribution q, long samples = 20000, double standardErrors = 5, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var analytic = Kl.Divergence(p, q).to_type(torch.float64);
        var x = p.Sample(new[] { samples }, generator);
        var ratio = (p.LogProb(x) - q.LogProb(x)).to_type(torch.float64);
        var estimate = ratio.mean(new long[] { 0 });
        var se = ratio.std(0) / Math.Sqrt(samples);
        var z = (estimate - analytic).abs() / (se * standardErrors + 1e-9);
        var flat = z.flatten();
        int worst = (int)flat.argmax().item<long>();
        if (!(flat[worst].ToDouble() <= 1))
        {
            throw new LawViolationException($"KL({Describe(p)} ‖ {Describe(q)}) analytic {F(analytic.flatten()[worst])} disagrees with the Monte Carlo estimate {F(estimate.flatten()[worst])} ± {F(se.flatten()[worst])} (standard error, {samples} samples) at batch element {worst}; allowed {F(standardErrors)} standard errors.");
        }
    }

    private static torch.Tensor Trapezoid(torch.Tensor f, double h)
    {
        long n = f.shape[0];
        return h * (f.sum(dim: 0) - 0.5 * (f[0] + f[n - 1]));
    }

    private static void CheckOne(IDistribution d, torch.Tensor integral, double tolerance, string where)
    {
        var error = (integral - 1).abs().flatten();
        int worst = (int)error.argmax().item<long>();
        double e = error[worst].ToDouble();
        if (!(e <= tolerance))
        {
            throw new LawViolationException($"The density of {Describe(d)} integrates to {F(integral.flatten()[worst])} {where} at batch element {worst}, not 1 (error {F(e)} > {F(tolerance)}).");
        }
    }

    private static void Compare(string what, IDistribution d, torch.Tensor sample, torch.Tensor exact, torch.Tensor se, double k)
    {
        var s = sample.expand(exact.shape).flatten();
        var ex = exact.flatten();
        var err = se.expand(exact.shape).flatten();
        var z = (s - ex).abs() / (k * err + 1e-12 * (1 + ex.abs()));
        int worst = (int)z.argmax().item<long>();
        if (!(z[worst].ToDouble() <= 1) || ex[worst].isnan().item<bool>())
        {
            throw new LawViolationException($"Sample {what} of {Describe(d)} is {F(s[worst])} at element {worst}, but its {what} is {F(ex[worst])}; the difference exceeds {F(k)} standard errors ({F(err[worst])} each).");
        }
    }

    // Each entry of a sample mean within k standard errors of its exact value (plus a hair for exact zeros).
    private static void StateHolds(string identity, IDistribution d, torch.Tensor mean, torch.Tensor exact, torch.Tensor se, double k)
    {
        var z = (mean - exact).abs() / (k * se + 1e-9);
        var flat = z.flatten();
        int worst = (int)flat.nan_to_num(nan: double.PositiveInfinity).argmax().item<long>();
        if (!(flat[worst].ToDouble() <= 1))
        {
            throw new LawViolationException($"Samples of {Describe(d)} do not follow its density: {identity} fails at flat entry {worst} (batch element, coordinates): the sample mean is {F(mean.flatten()[worst])}, expected {F(exact.flatten()[worst])}, standard error {F(se.flatten()[worst])}; allowed {F(k)} standard errors.");
        }
    }

    private static void RequireEventRank(IDistribution d, int rank, string law)
    {
        if (d.EventShape.Length != rank)
        {
            throw new ArgumentException($"{law} needs event rank {rank}, got event shape {Shape.Format(d.EventShape)}.", "distribution");
        }
    }

    private static string Describe(IDistribution d) => $"{d.GetType().Name}(batch {Shape.Format(d.BatchShape)}, event {Shape.Format(d.EventShape)})";

    private static string F(torch.Tensor t) => F(t.ToDouble());

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
