using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data.Transforms;

public class TransformsTests
{
    private static torch.Generator Rng(long seed) => Seed.Generator(seed);

    [Fact]
    public void Static_binarisation_thresholds_strictly_and_keeps_the_dtype()
    {
        using var x = torch.tensor(new[] { 0.0, 0.2, 0.5, 0.51, 1.0 });
        using var b = Gen.Data.Transforms.BinarizeStatic(x);
        Assert.Equal(torch.float64, b.dtype);
        Assert.Equal(new[] { 0.0, 0, 0, 1, 1 }, b.data<double>().ToArray());

        using var pixels = torch.tensor(new float[] { 0, 127, 128, 255 });
        using var raw = Gen.Data.Transforms.BinarizeStatic(pixels, threshold: 127.5);
        Assert.Equal(new float[] { 0, 0, 1, 1 }, raw.data<float>().ToArray());
    }

    [Fact]
    public void Static_binarisation_of_binary_images_is_the_identity()
    {
        using var sample = BinarizedMnist.LoadSample(torch.CPU);
        using var again = Gen.Data.Transforms.BinarizeStatic(sample);
        Assert.True(again.allclose(sample, 0, 0));
    }

    [Fact]
    public void Dynamic_binarisation_has_the_given_probabilities_and_repeats_with_the_seed()
    {
        const int n = 100_000;
        using var p = torch.tensor(new[] { 0.0, 0.1, 0.5, 0.9, 1.0 }).expand(n, 5).contiguous();
        using var a = Gen.Data.Transforms.BinarizeDynamic(p, Rng(1));
        using var b = Gen.Data.Transforms.BinarizeDynamic(p, Rng(1));
        using var c = Gen.Data.Transforms.BinarizeDynamic(p, Rng(2));

        Assert.True(a.allclose(b, 0, 0));
        Assert.False(a.allclose(c, 0, 0));
        using var binary = a.eq(0).logical_or(a.eq(1)).all();
        Assert.True(binary.item<bool>());
        using var means = a.mean(new long[] { 0 });
        var m = means.data<double>().ToArray();
        Assert.Equal(0.0, m[0]);
        Assert.Equal(1.0, m[4]);
        foreach (var (i, q) in new[] { (1, 0.1), (2, 0.5), (3, 0.9) })
        {
            // Within 5 standard errors of the Bernoulli mean.
            Assert.InRange(m[i], q - (5 * Math.Sqrt(q * (1 - q) / n)), q + (5 * Math.Sqrt(q * (1 - q) / n)));
        }
    }

    [Fact]
    public void Dynamic_binarisation_rejects_unscaled_pixels()
    {
        using var pixels = torch.tensor(new float[] { 0, 255 });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gen.Data.Transforms.BinarizeDynamic(pixels, Rng(0)));
        Assert.Contains("span [0, 255]", e.Message);
        Assert.Contains("divide by 255", e.Message);
    }

    [Fact]
    public void Dequantisation_stays_in_each_value_s_cell_with_uniform_offsets()
    {
        using var x = torch.randint(0, 256, new long[] { 50_000 }, generator: Rng(3)).to(torch.float64);
        using var y = Gen.Data.Transforms.Dequantize(x, Rng(4));

        using var scaled = y.mul(256);
        using var cell = scaled.floor();
        Assert.True(cell.allclose(x, 0, 0));
        using var offset = scaled.sub(x);
        Assert.InRange(offset.mean().item<double>(), 0.5 - 0.01, 0.5 + 0.01);
        Assert.InRange(offset.var().item<double>(), (1.0 / 12) - 0.003, (1.0 / 12) + 0.003);
        Assert.True(y.min().item<double>() >= 0 && y.max().item<double>() < 1);
    }

    [Fact]
    public void Dequantisation_rejects_values_already_scaled_and_too_few_levels()
    {
        using var x = torch.tensor(new float[] { 0, 256 });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gen.Data.Transforms.Dequantize(x, Rng(0)));
        Assert.Contains("must lie in [0, 255]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gen.Data.Transforms.Dequantize(x, Rng(0), levels: 1));

        // Pixels already divided by 255 lie in [0, 255] too: their fractions give them away.
        using var scaled = torch.tensor(new float[] { 0, 0.5f, 1 });
        var fraction = Assert.Throws<ArgumentOutOfRangeException>(() => Gen.Data.Transforms.Dequantize(scaled, Rng(0)));
        Assert.Contains("whole numbers", fraction.Message);
        Assert.Contains("0.5", fraction.Message);
    }

    [Fact]
    public void Dequantised_values_stay_below_one_in_single_precision()
    {
        // (255 + u)/256 rounds up to exactly 1 in float32 for u within 2⁻¹⁷ of 1 (about 31 in 4·10⁶ draws).
        using var x = torch.full(4_000_000, 255f);
        using var y = Gen.Data.Transforms.Dequantize(x, Rng(11));
        Assert.True(y.lt(1).all().item<bool>());
        Assert.True(Gen.Data.Transforms.Logit(y.reshape(1, -1), alpha: 0).Value.isfinite().all().item<bool>());
    }

    [Fact]
    public void Logit_log_det_is_the_log_of_the_autograd_derivative_and_inverts()
    {
        using var x = torch.rand(new long[] { 4, 2, 3 }, torch.float64, generator: Rng(5)).requires_grad_(true);
        var forward = Gen.Data.Transforms.Logit(x, alpha: 0.05);

        // The Jacobian is diagonal, so the gradient of the sum is its diagonal.
        var grad = torch.autograd.grad(new[] { forward.Value.sum() }, new[] { x })[0];
        using var expected = grad.log().flatten(1).sum(dim: 1);
        Assert.Equal(new long[] { 4 }, forward.LogDet.shape);
        Assert.True(forward.LogDet.allclose(expected, rtol: 1e-12, atol: 1e-12));

        var inverse = Gen.Data.Transforms.LogitInverse(forward.Value.detach(), alpha: 0.05);
        Assert.True(inverse.Value.allclose(x.detach(), rtol: 1e-12, atol: 1e-12));
        Assert.True(inverse.LogDet.allclose(forward.LogDet.neg(), rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void Logit_is_accurate_near_one_in_single_precision()
    {
        // With α = 1e-6 (MAF's choice) and x within a few float32 ulps of 1, 1 − s must not be formed by subtraction.
        const double alpha = 1e-6;
        var values = new[] { 1.0, 1 - Math.Pow(2, -24), 1 - 3 * Math.Pow(2, -24), 0.5 };
        var x = torch.tensor(values.Select(v => (float)v).ToArray()).reshape(1, -1);
        var t = Gen.Data.Transforms.Logit(x, alpha);
        double expectedLogDet = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double v = (float)values[i];
            double s = alpha + (1 - 2 * alpha) * v, oneMinusS = alpha + (1 - 2 * alpha) * (1 - v);
            double y = Math.Log(s) - Math.Log(oneMinusS);
            Assert.True(Math.Abs(t.Value[0, i].item<float>() - y) <= 1e-5 * Math.Abs(y), $"y at {v}: {t.Value[0, i].item<float>()} against {y}");
            expectedLogDet += Math.Log(1 - 2 * alpha) - Math.Log(s) - Math.Log(oneMinusS);
        }

        Assert.True(Math.Abs(t.LogDet[0].item<float>() - expectedLogDet) <= 1e-5 * Math.Abs(expectedLogDet), $"log-det {t.LogDet[0].item<float>()} against {expectedLogDet}");
    }

    [Fact]
    public void Logit_maps_the_ends_of_the_unit_interval_to_finite_values()
    {
        using var x = torch.tensor(new[] { 0.0, 0.5, 1.0 }).reshape(1, 3);
        var y = Gen.Data.Transforms.Logit(x, alpha: 0.05);
        var v = y.Value.data<double>().ToArray();
        Assert.Equal(Math.Log(0.05 / 0.95), v[0], 12);
        Assert.Equal(0.0, v[1], 12);
        Assert.Equal(Math.Log(0.95 / 0.05), v[2], 12);
        // log(0.9) - log(s) - log(1-s) at s = 0.05, 0.5, 0.95.
        var expected = (3 * Math.Log(0.9)) - (2 * Math.Log(0.05 * 0.95)) - Math.Log(0.25);
        Assert.Equal(expected, y.LogDet.item<double>(), 12);
    }

    [Fact]
    public void The_logit_inverse_log_det_stays_finite_far_out()
    {
        using var y = torch.tensor(new[] { -800.0, 800.0 });
        var x = Gen.Data.Transforms.LogitInverse(y, alpha: 0.0);
        Assert.True(x.LogDet.isfinite().all().item<bool>());
        Assert.Equal(-800.0, x.LogDet[0].item<double>(), 6);
    }

    [Fact]
    public void Logit_rejects_bad_alpha_values_outside_the_unit_interval_and_scalars()
    {
        using var x = torch.tensor(new[] { 0.5, 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => Gen.Data.Transforms.Logit(x));
        using var ok = torch.tensor(new[] { 0.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => Gen.Data.Transforms.Logit(ok, alpha: 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gen.Data.Transforms.LogitInverse(ok, alpha: -0.1));
        using var scalar = torch.tensor(0.5);
        var e = Assert.Throws<GenShapeException>(() => Gen.Data.Transforms.Logit(scalar));
        Assert.Equal("x", e.Node);
    }
}
