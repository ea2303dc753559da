using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

/// <summary>Gen.Testing's arbitraries: their values lie where they say, and random library bijectors obey the laws.</summary>
public class ArbitrariesTests
{
    private static void Laws(IBijector bijector, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        BijectorLaws.All(bijector, x, 1e-6);
        BijectorLaws.All(bijector.Inverted(), bijector.Forward(x), 1e-6);
    }

    [Property(MaxTest = 20)]
    public Property Random_library_bijectors_satisfy_the_laws() =>
        Prop.ForAll(Arbitraries.Bijectors(3), b => Laws(b.Value, Input(b.Seed, 3, 3)));

    [Property(MaxTest = 12)]
    public Property Random_vector_chains_satisfy_the_laws() =>
        Prop.ForAll(Arbitraries.Chains(4), c => Laws(c.Value, Input(c.Seed, 2, 4)));

    [Property(MaxTest = 10)]
    public Property Random_chains_of_single_features_satisfy_the_laws() =>
        Prop.ForAll(Arbitraries.Chains(1, maxLength: 3), c => Laws(c.Value, Input(c.Seed, 3, 1)));

    [Property(MaxTest = 8)]
    public Property Random_image_chains_satisfy_the_laws_and_report_their_output_shape() =>
        Prop.ForAll(Arbitraries.ImageChains(1, 4, 2), c =>
        {
            var x = torch.randn(new long[] { 2, 1, 4, 2 }, dtype: torch.float64, generator: Rng(c.Seed));
            Laws(c.Value, x);
            Assert.Equal(c.Value.ForwardShape(x.shape), c.Value.Forward(x).shape);
        });

    [Property(MaxTest = 10)]
    public Property A_users_bijector_composes_with_random_library_chains() =>
        Prop.ForAll(Arbitraries.Chains(3, maxLength: 2), Arbitraries.Chains(3, maxLength: 2), (before, after) =>
        {
            using var scope = torch.NewDisposeScope();
            var flow = before.Value.Then(new Asinh()).Then(after.Value);
            BijectorLaws.All(flow, Input(before.Seed ^ after.Seed, 2, 3), 1e-6);
        });

    [Fact]
    public void Every_kind_of_vector_bijector_and_image_bijector_is_drawn()
    {
        // The arbitraries are only as good as their coverage. Each kind is drawn with probability 1/12 or more, so
        // 250 draws miss one with probability below 10⁻⁸.
        var vectorKinds = Draw(Arbitraries.Bijectors(3), 250).Select(d => d.Value.GetType().Name + (d.Value is Elementwise e ? e.Name[..4] : "")).Distinct().ToArray();
        Assert.Equal(12, vectorKinds.Length);
        var imageKinds = Draw(Arbitraries.ImageChains(2, 4, 4, maxLength: 1), 250)
            .Select(d => ((ChainBijector)d.Value).Parts.Single().ToString()!.Split('(')[0]).Distinct().ToArray();
        Assert.Contains("Squeeze", imageKinds);
        Assert.Contains("ActNorm", imageKinds);
        Assert.True(imageKinds.Length >= 7, string.Join(", ", imageKinds));
    }

    [Property(MaxTest = 30)]
    public Property Tensors_lie_in_their_domains() =>
        Prop.ForAll(Arbitraries.Tensors(Domain.Positive, new long[] { 4, 3 }), t => t.Value.gt(0).all().item<bool>())
            .And(Prop.ForAll(Arbitraries.Tensors(Domain.UnitInterval, new long[] { 50 }), t => t.Value.gt(0).all().item<bool>() && t.Value.lt(1).all().item<bool>()))
            .And(Prop.ForAll(Arbitraries.Tensors(Domain.Interval(-2, 5), new long[] { 50 }), t => t.Value.gt(-2).all().item<bool>() && t.Value.lt(5).all().item<bool>()))
            .And(Prop.ForAll(Arbitraries.Tensors(Domain.GreaterThan(2), new long[] { 50 }), t => t.Value.gt(2).all().item<bool>()))
            .And(Prop.ForAll(Arbitraries.Tensors(Domain.Simplex, new long[] { 5, 4 }), t => t.Value.ge(0).all().item<bool>() && t.Value.sum(-1).allclose(torch.ones(5, dtype: torch.float64), 0, 1e-12)))
            .And(Prop.ForAll(Arbitraries.Tensors(Domain.Integers(-1, 3), new long[] { 60 }), t =>
                t.Value.ge(-1).all().item<bool>() && t.Value.le(3).all().item<bool>() && t.Value.eq(t.Value.round()).all().item<bool>()));

    [Property(MaxTest = 30)]
    public Property Cholesky_factors_and_covariances_are_what_their_names_say() =>
        Prop.ForAll(Arbitraries.Tensors(Domain.LowerCholesky, new long[] { 2, 3, 3 }), l =>
            l.Value.triu(1).eq(0).all().item<bool>() && l.Value.diagonal(0, -2, -1).gt(0).all().item<bool>())
        .And(Prop.ForAll(Arbitraries.Tensors(Domain.PositiveDefinite, new long[] { 4, 4 }), s =>
            s.Value.allclose(s.Value.t(), 0, 0) && torch.linalg.eigvalsh(s.Value).gt(0).all().item<bool>()));

    [Property(MaxTest = 25)]
    public Property Distributions_from_random_parameters_pass_the_distribution_laws() =>
        Prop.ForAll(
            Arbitraries.FromParameters(
                p => Family.Gamma(p[0], p[1]),
                new ParameterDomain("concentration", Domain.Positive, new long[] { 3 }),
                new ParameterDomain("rate", Domain.Positive, new long[] { 3 })),
            Arbitraries.Tensors(Domain.Positive, new long[] { 5, 3 }),
            (gamma, x) =>
            {
                DistributionLaws.SampleAndLogProbAgrees(gamma.Value, generator: Rng(gamma.Seed));
                Assert.True(gamma.Value.LogProb(x.Value).isfinite().all().item<bool>(), $"{gamma} at {x}");
            });

    [Fact]
    public void A_drawn_value_is_reproducible_from_its_seed_and_prints_its_numbers()
    {
        var first = Draw(Arbitraries.Tensors(Domain.Real, new long[] { 3 }), 1).Single();
        var again = Domain.Real.Draw(new long[] { 3 }, new torch.Generator((ulong)first.Seed, torch.CPU), torch.ScalarType.Float64);
        Assert.True(first.Value.allclose(again, 0, 0));
        Assert.Contains("real [3]", first.ToString());
        Assert.Contains($"seed {first.Seed}", first.ToString());
        Assert.Contains(first.Value[0].item<double>().ToString("G6", System.Globalization.CultureInfo.InvariantCulture)[..4], first.ToString());

        var chain = Draw(Arbitraries.Chains(3), 1).Single();
        Assert.StartsWith("chain: ", chain.ToString());
    }

    [Fact]
    public void Bad_sizes_and_domains_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Arbitraries.Chains(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Arbitraries.ImageChains(1, 2, 2, maxLength: 0));
        Assert.Throws<ArgumentException>(() => Domain.Interval(1, 1));
        Assert.Throws<ArgumentException>(() => Domain.Integers(3, 2));
        Assert.Throws<GenShapeException>(() => Domain.LowerCholesky.Draw(new long[] { 2, 3 }, new torch.Generator(1, torch.CPU), torch.ScalarType.Float64));
    }

    /// <summary>A bijector as a user would write one: y = asinh(x), log|dy/dx| = −½ log(1 + x²).</summary>
    private sealed class Asinh : IBijector
    {
        public int EventRank => 0;

        public Transformed ForwardAndLogDet(torch.Tensor x) => new(x.asinh(), -0.5 * x.square().log1p());

        public Transformed InverseAndLogDet(torch.Tensor y)
        {
            var x = y.sinh();
            return new(x, 0.5 * x.square().log1p());
        }
    }

    private static Drawn<T>[] Draw<T>(Arbitrary<Drawn<T>> arbitrary, int count) => arbitrary.Generator.Sample(count).ToArray();
}
