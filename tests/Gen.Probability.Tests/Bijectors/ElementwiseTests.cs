using System;
using Gen.Probability.Bijectors;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Bijectors;

public class ElementwiseTests
{
    [Fact]
    public void Sigmoid_log_derivative_at_zero_is_log_one_quarter()
    {
        var t = Elementwise.Sigmoid.ForwardAndLogDet(torch.zeros(1, dtype: torch.float64));
        Assert.Equal(0.5, t.Value.item<double>(), 15);
        Assert.Equal(Math.Log(0.25), t.LogDet.item<double>(), 15);
    }

    [Fact]
    public void Tanh_log_derivative_is_finite_far_in_the_tails()
    {
        // log(1 − tanh²x) underflows to −∞ when computed naively at |x| = 40.
        var t = Elementwise.Tanh.ForwardAndLogDet(torch.tensor(new[] { -40.0, 40.0 }, dtype: torch.float64));
        var expected = 2 * (Math.Log(2) - 40);
        Assert.Equal(expected, t.LogDet[0].item<double>(), 9);
        Assert.Equal(expected, t.LogDet[1].item<double>(), 9);
    }

    [Fact]
    public void Softplus_is_log_one_plus_exp_and_inverts_at_large_and_tiny_values()
    {
        var x = torch.tensor(new[] { -30.0, 0.0, 50.0 }, dtype: torch.float64);
        var y = Elementwise.Softplus.Forward(x);
        Assert.Equal(Math.Log(2), y[1].item<double>(), 15);
        Assert.Equal(50.0, y[2].item<double>(), 12);
        var back = Elementwise.Softplus.Inverse(y);
        Assert.True(torch.allclose(back, x, rtol: 1e-9, atol: 1e-9), back.ToString(TorchSharp.TensorStringStyle.Numpy));
    }

    [Fact]
    public void Coupling_rejects_a_conditioner_of_the_wrong_shape()
    {
        var mask = torch.tensor(new[] { 1.0, 0.0, 1.0 });
        var coupling = new AffineCoupling(mask, kept => new AffineParameters(kept[.., 0..2], kept[.., 0..2]));
        var e = Assert.Throws<GenShapeException>(() => coupling.ForwardAndLogDet(torch.zeros(4, 3)));
        Assert.Contains("[4, 3]", e.Message);
        Assert.Contains("[4, 2]", e.Message);
    }

    [Fact]
    public void Permutation_rejects_a_non_permutation()
    {
        var e = Assert.Throws<ArgumentException>(() => new Permutation(new long[] { 0, 0, 2 }));
        Assert.Contains("[0, 0, 2]", e.Message);
    }
}
