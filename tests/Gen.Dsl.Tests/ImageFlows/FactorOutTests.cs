using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>The factor-out bijector: the set-aside channels come first in the output vector, then the rest's output.</summary>
public class FactorOutTests
{
    [Fact]
    public void Sets_the_second_half_of_the_channels_aside_and_passes_the_first_half_on()
    {
        using var scope = torch.NewDisposeScope();
        var rest = new ElementwiseAffine(torch.tensor(1.0, dtype: torch.float64), torch.tensor(Math.Log(2), dtype: torch.float64), eventRank: 3)
            .Then(new Reshape(new long[] { 2, 2, 3 }, new long[] { 12 }));
        var split = new FactorOut(new long[] { 4, 2, 3 }, rest);
        var x = torch.arange(2 * 24, dtype: torch.float64).reshape(2, 4, 2, 3);
        var y = split.ForwardAndLogDet(x);
        Assert.Equal(new long[] { 2, 24 }, y.Value.shape);
        Assert.Equal(12, split.SetAside);
        Assert.True(y.Value.narrow(1, 0, 12).allclose(x.narrow(1, 2, 2).reshape(2, 12), rtol: 0, atol: 0));
        Assert.True(y.Value.narrow(1, 12, 12).allclose((2 * x.narrow(1, 0, 2) + 1).reshape(2, 12), rtol: 0, atol: 0));
        Assert.True(y.LogDet.allclose(torch.full(2, 12 * Math.Log(2), dtype: torch.float64), rtol: 0, atol: 1e-12));
        BijectorLaws.All(split, x.to(torch.float64) / 10, 1e-10);
    }

    [Fact]
    public void Rejects_odd_channel_counts_and_rests_that_do_not_end_in_vectors()
    {
        var vector = new Reshape(new long[] { 1, 2, 2 }, new long[] { 4 });
        var odd = Assert.Throws<GenShapeException>(() => new FactorOut(new long[] { 3, 2, 2 }, vector));
        Assert.Contains("[3, 2, 2]", odd.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new FactorOut(new long[] { 2, 2, 2 }, new Squeeze()));
        var split = new FactorOut(new long[] { 2, 2, 2 }, vector);
        var wrong = Assert.Throws<GenShapeException>(() => split.ForwardAndLogDet(torch.zeros(1, 2, 2, 3)));
        Assert.Contains("[1, 2, 2, 3]", wrong.Message, StringComparison.Ordinal);
    }
}
