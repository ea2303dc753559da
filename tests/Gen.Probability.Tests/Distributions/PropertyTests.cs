using System;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gen.Probability.Distributions;
using TorchSharp;
using FsGen = FsCheck.Fluent.Gen;

namespace Gen.Probability.Tests.Distributions;

/// <summary>FsCheck properties over random parameters and points (fixed replay seeds, float64).</summary>
public sealed class PropertyTests
{
    private const string Seed = "(1234567891,987654321)";

    private static FsCheck.Gen<double> Real(double lo, double hi) =>
        FsGen.Choose(0, 1_000_000).Select(i => lo + (hi - lo) * i / 1_000_000.0);

    private static Arbitrary<(double A, double B, double C)> Triples(FsCheck.Gen<double> a, FsCheck.Gen<double> b, FsCheck.Gen<double> c) =>
        (from x in a from y in b from z in c select (x, y, z)).ToArbitrary();

    private static bool Near(double expected, double actual, double tol = 1e-10) =>
        Math.Abs(expected - actual) <= tol * Math.Max(1, Math.Abs(expected));

    [Property(MaxTest = 100, Replay = Seed)]
    public Property NormalMatchesTorchSharp() =>
        Prop.ForAll(Triples(Real(-50, 50), Real(0.01, 20), Real(-100, 100)), t =>
            Near(T.D(torch.distributions.Normal(T.S(t.A), T.S(t.B)).log_prob(T.S(t.C))), T.D(Family.Normal(T.S(t.A), T.S(t.B)).LogProb(T.S(t.C)))));

    [Property(MaxTest = 100, Replay = Seed)]
    public Property LaplaceMatchesTorchSharp() =>
        Prop.ForAll(Triples(Real(-50, 50), Real(0.01, 20), Real(-100, 100)), t =>
            Near(T.D(torch.distributions.Laplace(T.S(t.A), T.S(t.B)).log_prob(T.S(t.C))), T.D(Family.Laplace(T.S(t.A), T.S(t.B)).LogProb(T.S(t.C)))));

    [Property(MaxTest = 100, Replay = Seed)]
    public Property BernoulliLogProbIsFiniteAndMatchesTorchSharpForModerateLogits() =>
        Prop.ForAll(Triples(Real(-500, 500), FsGen.Elements(0.0, 1.0), Real(-30, 30)), t =>
        {
            var extreme = T.D(Family.Bernoulli(logits: T.S(t.A)).LogProb(T.S(t.B)));
            var ours = T.D(Family.Bernoulli(logits: T.S(t.C)).LogProb(T.S(t.B)));
            var theirs = T.D(torch.distributions.Bernoulli(logits: T.S(t.C)).log_prob(T.S(t.B)));
            return double.IsFinite(extreme) && extreme <= 0 && Near(theirs, ours, 1e-9);
        });

    [Property(MaxTest = 60, Replay = Seed)]
    public Property PoissonMatchesTorchSharp() =>
        Prop.ForAll(Triples(Real(0.01, 50), FsGen.Choose(0, 80).Select(i => (double)i), Real(0, 1)), t =>
            Near(T.D(torch.distributions.Poisson(T.S(t.A)).log_prob(T.S(t.B))), T.D(Family.Poisson(T.S(t.A)).LogProb(T.S(t.B))), 1e-9));

    [Property(MaxTest = 60, Replay = Seed)]
    public Property BetaMatchesTorchSharp() =>
        Prop.ForAll(Triples(Real(0.1, 20), Real(0.1, 20), Real(0.001, 0.999)), t =>
            Near(T.D(torch.distributions.Beta(T.S(t.A), T.S(t.B)).log_prob(T.S(t.C))), T.D(Family.Beta(T.S(t.A), T.S(t.B)).LogProb(T.S(t.C))), 1e-9));

    [Property(MaxTest = 60, Replay = Seed)]
    public Property NormalCdfInvertsIcdf() =>
        Prop.ForAll(Triples(Real(-5, 5), Real(0.1, 5), Real(1e-6, 1 - 1e-6)), t =>
        {
            var d = Family.Normal(T.S(t.A), T.S(t.B));
            return Near(t.C, T.D(d.Cdf(d.Icdf(T.S(t.C)))), 1e-8);
        });

    [Property(MaxTest = 60, Replay = Seed)]
    public Property NormalKlIsNonNegativeAndZeroOnlyAtEquality() =>
        Prop.ForAll(Triples(Real(-5, 5), Real(0.1, 5), Real(0.1, 5)), t =>
        {
            double kl = T.D(Probability.Kl.Divergence(Family.Normal(T.S(t.A), T.S(t.B)), Family.Normal(T.S(0), T.S(t.C))));
            bool same = t.A == 0 && t.B == t.C;
            return kl >= 0 && (same || kl > 0);
        });

    [Property(MaxTest = 40, Replay = Seed)]
    public Property MultivariateNormalMatchesTorchSharp() =>
        Prop.ForAll(Triples(Real(0.2, 3), Real(-2, 2), Real(0.2, 3)), t =>
        {
            var l = T.M(new double[,] { { t.A, 0 }, { t.B, t.C } });
            var loc = T.V(t.B, -t.A);
            var x = T.V(t.C, t.B);
            return Near(T.D(torch.distributions.MultivariateNormal(loc, scale_tril: l).log_prob(x)), T.D(Family.MultivariateNormal(loc, l).LogProb(x)), 1e-9);
        });

    [Property(MaxTest = 40, Replay = Seed)]
    public Property CategoricalLogProbsExponentiateToOne() =>
        Prop.ForAll(Triples(Real(-300, 300), Real(-300, 300), Real(-300, 300)), t =>
        {
            var d = Family.Categorical(logits: T.V(t.A, t.B, t.C));
            var total = T.D(d.LogProb(T.V(0, 1, 2)).exp().sum());
            return Near(1, total, 1e-12);
        });
}
