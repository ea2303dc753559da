using System;
using Gen.Probability.Bijectors;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Bijectors;

/// <summary>
/// Planar and Sylvester maps whose constrained coefficient rounds to −1 in single precision: the log-determinant must
/// still be the exact one (computed here in double precision from the same parameters), not log t² or −∞.
/// </summary>
public sealed class NearlySingularTests
{
    [Fact]
    public void A_planar_log_determinant_stays_accurate_when_w_dot_u_hat_rounds_to_minus_one()
    {
        // w = (1, 0), u = (−20, 0): wᵀu = −20, m = softplus(−20) − 1 = −1 + 2.06e-9, −1 in float32.
        var w = torch.tensor(new float[] { 1, 0 });
        var u = torch.tensor(new float[] { -20, 0 });
        var b = torch.tensor(0f);
        var planar = new Planar(w, u, b);
        var x = torch.tensor(new float[,] { { 0, 0 }, { 1e-4f, 0 }, { 1e-2f, 0 } });
        var ld = planar.ForwardAndLogDet(x).LogDet;
        double softplus = double.LogP1(Math.Exp(-20.0));
        foreach (var (i, z) in new[] { (0, 0.0), (1, 1e-4), (2, 1e-2) })
        {
            double t = Math.Tanh(z);
            double expected = Math.Log(t * t + softplus * (1 - t * t));
            double actual = ld[i].item<float>();
            Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Abs(expected), $"x = {z}: log-det {actual}, exact {expected}");
        }
    }

    [Fact]
    public void A_sylvester_log_determinant_stays_accurate_when_the_diagonal_product_rounds_to_minus_one()
    {
        // One direction in one dimension: Q = [1], raw diagonals 10 and −10, so r·r̃ = tanh 10 · tanh(−10) = −1 in float32.
        var q = torch.ones(1, 1);
        var r = torch.full(new long[] { 1, 1 }, 10f);
        var rTilde = torch.full(new long[] { 1, 1 }, -10f);
        var b = torch.zeros(1);
        var sylvester = new Sylvester(q, r, rTilde, b);
        var x = torch.tensor(new float[,] { { 0 }, { 1e-6f } });
        var ld = sylvester.ForwardAndLogDet(x).LogDet;
        double onePlus = 1 - Math.Tanh(10) * Math.Tanh(10); // 1 + tanh(10)·tanh(−10), exact in double
        foreach (var (i, z) in new[] { (0, 0.0), (1, 1e-6) })
        {
            double t = Math.Tanh(-Math.Tanh(10) * z);
            double expected = Math.Log(t * t + onePlus * (1 - t * t));
            double actual = ld[i].item<float>();
            Assert.True(Math.Abs(actual - expected) <= 1e-4 * Math.Abs(expected), $"x = {z}: log-det {actual}, exact {expected}");
        }
    }
}
