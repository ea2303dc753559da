using System;
using FsCheck;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

public class ElementwiseMapTests
{
    // A value in [lo, hi] drawn from an integer FsCheck chose, so shrinking stays meaningful.
    private static double Between(int k, double lo, double hi) => lo + (hi - lo) * ((k & 0xffff) / 65535.0);

    [Property(MaxTest = 30)]
    public void Maps_on_the_real_line_satisfy_the_laws(int seed, PositiveInt d, PositiveInt b, int slope)
    {
        using var scope = torch.NewDisposeScope();
        var x = 3 * Input(seed, SmallBatch(b), SmallFeatures(d));
        BijectorLaws.All(Elementwise.Identity, x);
        BijectorLaws.All(Elementwise.LeakyReLU(Between(slope, 0.01, 3)), x);
    }

    [Property(MaxTest = 30)]
    public void Maps_on_the_positive_half_line_satisfy_the_laws(int seed, PositiveInt d, PositiveInt b, int exponent)
    {
        using var scope = torch.NewDisposeScope();
        var x = (2 * Input(seed, SmallBatch(b), SmallFeatures(d))).exp();
        BijectorLaws.All(Elementwise.Log, x);
        double p = Between(exponent, -3, 3);
        if (Math.Abs(p) < 0.05)
        {
            p = 0.05; // p = 0 is not a bijection; near it the inverse x = y^(1/p) amplifies rounding without bound
        }

        BijectorLaws.All(Elementwise.Power(p), x);
    }

    [Property(MaxTest = 30)]
    public void Squashed_logit_satisfies_the_laws_on_the_unit_interval(int seed, PositiveInt d, PositiveInt b, int alpha, bool plain)
    {
        using var scope = torch.NewDisposeScope();
        var x = (2 * Input(seed, SmallBatch(b), SmallFeatures(d))).sigmoid();
        BijectorLaws.All(Elementwise.Logit(plain ? 0.0 : Between(alpha, 1e-6, 0.45)), x);
    }

    [Fact]
    public void Squashed_logit_matches_its_formula_and_is_finite_at_the_ends_of_the_interval()
    {
        const double alpha = 0.05;
        var logit = Elementwise.Logit(alpha);
        var x = torch.tensor(new[] { 0.0, 0.25, 0.5, 1.0 }, dtype: torch.float64);
        var t = logit.ForwardAndLogDet(x);
        for (int i = 0; i < 4; i++)
        {
            double xi = x[i].item<double>();
            double u = alpha + (1 - 2 * alpha) * xi;
            Assert.Equal(Math.Log(u / (1 - u)), t.Value[i].item<double>(), 12);
            Assert.Equal(Math.Log((1 - 2 * alpha) / (u * (1 - u))), t.LogDet[i].item<double>(), 12);
        }

        var back = logit.Inverse(t.Value);
        Assert.True(back.allclose(x, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void Plain_logit_keeps_its_precision_next_to_one()
    {
        // 1 − x is exact for x near 1; computing 1 − u after scaling would lose it.
        double x = 1 - Math.Pow(2, -40);
        var t = Elementwise.Logit().ForwardAndLogDet(torch.tensor(new[] { x, 1e-300 }, dtype: torch.float64));
        Assert.Equal(40 * Math.Log(2), t.Value[0].item<double>(), 9);
        Assert.Equal(40 * Math.Log(2), t.LogDet[0].item<double>(), 9);
        Assert.Equal(Math.Log(1e-300), t.Value[1].item<double>(), 9);
        Assert.Equal(-Math.Log(1e-300), t.LogDet[1].item<double>(), 9);
    }

    [Fact]
    public void Large_finite_inputs_give_finite_values_and_log_dets()
    {
        var huge = torch.tensor(new[] { -1e300, -1e6, 1e6, 1e300 }, dtype: torch.float64);
        AssertFinite(Elementwise.LeakyReLU(0.1), huge, bothWays: true);
        AssertFinite(Elementwise.Identity, huge, bothWays: true);
        var positive = torch.tensor(new[] { 1e-300, 1e-100, 1e100, 1e300 }, dtype: torch.float64);
        AssertFinite(Elementwise.Log, positive, bothWays: true);
        AssertFinite(Elementwise.Power(0.5), positive, bothWays: true);
        AssertFinite(Elementwise.Power(-1), positive, bothWays: true);
        AssertFinite(Elementwise.Power(2), torch.tensor(new[] { 1e-150, 1e150 }, dtype: torch.float64), bothWays: true);
        AssertFinite(Elementwise.Logit(1e-6), torch.tensor(new[] { 0.0, 1e-300, 1 - 1e-16, 1.0 }, dtype: torch.float64), bothWays: true);

        // The images of the logit's and the log's inverses are in range for large arguments too.
        var large = torch.tensor(new[] { -700.0, 700.0 }, dtype: torch.float64);
        AssertFinite(Elementwise.Logit().Inverted(), large, bothWays: false);
        AssertFinite(Elementwise.Power(3).Inverted(), positive, bothWays: false);
    }

    [Fact]
    public void Leaky_relu_log_det_is_zero_or_log_slope()
    {
        var t = Elementwise.LeakyReLU(0.2).ForwardAndLogDet(torch.tensor(new[] { -2.0, 0.0, 3.0 }, dtype: torch.float64));
        Assert.Equal(new[] { -0.4, 0.0, 3.0 }, t.Value.data<double>().ToArray());
        Assert.Equal(new[] { Math.Log(0.2), 0.0, 0.0 }, t.LogDet.data<double>().ToArray());
    }

    [Fact]
    public void Identity_is_volume_preserving_and_others_are_not()
    {
        Assert.True(((IBijector)Elementwise.Identity).IsVolumePreserving);
        Assert.False(((IBijector)Elementwise.Log).IsVolumePreserving);
        var chain = Elementwise.Identity.Then(Elementwise.Identity);
        Assert.True(chain.IsVolumePreserving);
        var x = Input(1, 3, 2);
        var t = chain.ForwardAndLogDet(x);
        Assert.True(t.Value.allclose(x, 0, 0));
        Assert.Equal(new long[] { 3, 2 }, t.LogDet.shape);
    }

    [Fact]
    public void Parameters_outside_their_range_are_rejected_with_the_value()
    {
        Assert.Contains("0.5", Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.Logit(0.5)).Message);
        Assert.Contains("-0.1", Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.Logit(-0.1)).Message);
        Assert.Contains("negative slope", Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.LeakyReLU(0)).Message);
        Assert.Contains("exponent", Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.Power(0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.Power(double.NaN));
    }

    internal static void AssertFinite(IBijector bijector, torch.Tensor x, bool bothWays)
    {
        var f = bijector.ForwardAndLogDet(x);
        Assert.True(f.Value.isfinite().all().item<bool>(), $"{bijector}: forward value {f.Value.ToString(TensorStringStyle.Numpy)} at {x.ToString(TensorStringStyle.Numpy)}");
        Assert.True(f.LogDet.isfinite().all().item<bool>(), $"{bijector}: forward log-det {f.LogDet.ToString(TensorStringStyle.Numpy)}");
        if (bothWays)
        {
            var i = bijector.InverseAndLogDet(f.Value);
            Assert.True(i.Value.isfinite().all().item<bool>(), $"{bijector}: inverse value {i.Value.ToString(TensorStringStyle.Numpy)}");
            Assert.True(i.LogDet.isfinite().all().item<bool>(), $"{bijector}: inverse log-det {i.LogDet.ToString(TensorStringStyle.Numpy)}");
        }
    }
}
