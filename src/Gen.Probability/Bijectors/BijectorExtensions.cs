using System;
using System.Collections.Generic;
using Gen.Probability.Bijectors;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Probability;

/// <summary>Operations derived from <see cref="IBijector"/>'s primitive.</summary>
public static class BijectorExtensions
{
    /// <summary>y = f(x).</summary>
    public static torch.Tensor Forward(this IBijector bijector, torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        using var scope = torch.NewDisposeScope();
        return bijector.ForwardAndLogDet(x).Value.MoveToOuterDisposeScope();
    }

    /// <summary>x = f⁻¹(y).</summary>
    public static torch.Tensor Inverse(this IBijector bijector, torch.Tensor y)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        using var scope = torch.NewDisposeScope();
        return bijector.InverseAndLogDet(y).Value.MoveToOuterDisposeScope();
    }

    /// <summary>The inverse map f⁻¹ as a bijector. Inverting twice gives back the original object.</summary>
    public static IBijector Inverted(this IBijector bijector)
    {
        ArgumentNullException.ThrowIfNull(bijector);
        return bijector is InvertedBijector inv ? inv.Inner : new InvertedBijector(bijector);
    }

    /// <summary>First <paramref name="first"/>, then <paramref name="next"/> (listed in the order applied).</summary>
    public static IBijector Then(this IBijector first, IBijector next) => new ChainBijector(new[] { first, next });

    /// <summary>The distribution of f(X) for X from <paramref name="distribution"/>.</summary>
    public static IDistribution Transform(this IBijector bijector, IDistribution distribution) =>
        new TransformedDistribution(distribution, bijector);

    /// <summary>Applies the bijectors in order.</summary>
    public static IBijector Chain(IEnumerable<IBijector> bijectors) => new ChainBijector(bijectors);
}
