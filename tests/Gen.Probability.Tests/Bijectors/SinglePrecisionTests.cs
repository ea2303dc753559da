using System;
using Gen.Probability.Bijectors;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

/// <summary>Training runs in float32: no bijector may promote to float64 or lose its inverse there.</summary>
public class SinglePrecisionTests
{
    private static torch.Tensor N(int seed, params long[] shape) => torch.randn(shape, generator: Rng(seed));

    public static TheoryData<string> Names => new()
    {
        "identity", "log", "logit", "leaky_relu", "power", "reshape", "squeeze", "block", "householder", "lu_linear",
        "conv1x1", "conv1x1_lu", "actnorm", "batch_norm_training", "sylvester",
    };

    private static (IBijector Bijector, torch.Tensor Input) Case(string name)
    {
        var image = N(1, 3, 2, 4, 4);
        var vector = N(2, 5, 4);
        var lu = new LuLinear(new long[] { 1, 0 }, 0.3f * N(3, 2, 2), 0.3f * N(4, 2, 2), 0.3f * N(5, 2), torch.tensor(new[] { 1f, -1f }));
        return name switch
        {
            "identity" => (Elementwise.Identity, vector),
            "log" => (Elementwise.Log, vector.exp()),
            "logit" => (Elementwise.Logit(0.05), vector.sigmoid()),
            "leaky_relu" => (Elementwise.LeakyReLU(0.1), vector),
            "power" => (Elementwise.Power(1.5), vector.exp()),
            "reshape" => (new Reshape(new long[] { 2, 4, 4 }, new long[] { 32 }), image),
            "squeeze" => (new Squeeze(), image),
            "block" => (new Block(Elementwise.LeakyReLU(0.5), 3), image),
            "householder" => (new Householder(N(6, 3, 4)), vector),
            "lu_linear" => (new LuLinear(new long[] { 3, 1, 0, 2 }, 0.3f * N(7, 4, 4), 0.3f * N(8, 4, 4), 0.3f * N(9, 4), torch.ones(4)), vector),
            "conv1x1" => (new Invertible1x1Conv(lu.Weight()), image),
            "conv1x1_lu" => (new Invertible1x1Conv(lu), image),
            "actnorm" => (new ActNorm(N(14, 2), 0.5f * N(15, 2), torch.tensor(true), 3), image),
            "batch_norm_training" => (new BatchNorm(torch.zeros(4), torch.zeros(4), torch.zeros(4), torch.ones(4), 1, training: true), vector),
            "sylvester" => (Sylvester.FromHouseholder(N(10, 2, 4), N(11, 4, 4), N(12, 4, 4), N(13, 4)), vector),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Float32_in_gives_float32_out_and_inverts(string name)
    {
        var (bijector, x) = Case(name);
        var forward = bijector.ForwardAndLogDet(x);
        Assert.Equal(torch.ScalarType.Float32, forward.Value.dtype);
        Assert.Equal(torch.ScalarType.Float32, forward.LogDet.dtype);
        Assert.Equal(x.shape[..(x.shape.Length - bijector.EventRank)], forward.LogDet.shape);
        var inverse = bijector.InverseAndLogDet(forward.Value);
        Assert.Equal(torch.ScalarType.Float32, inverse.Value.dtype);
        Assert.Equal(torch.ScalarType.Float32, inverse.LogDet.dtype);
        if (name != "batch_norm_training") // training normalises with the batch's statistics, sampling with the running ones
        {
            Assert.True(inverse.Value.allclose(x, rtol: 1e-4, atol: 1e-4), $"{name}: round trip");
            Assert.True(inverse.LogDet.allclose(-forward.LogDet, rtol: 1e-4, atol: 1e-4), $"{name}: log-dets");
        }
    }
}
