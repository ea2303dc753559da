using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// An autoregressive conditioner that gives one feature's parameters at a time from the features fixed so far, for far
/// less than a full pass each (a MADE that computes each hidden unit once, when the features it reads are fixed). With
/// one, the D-pass direction of an <see cref="AutoregressiveLayer"/> (sampling a MAF) costs about one pass.
/// </summary>
public interface ISequentialConditioner
{
    /// <summary>The features in the order they are solved: position p holds feature <c>Order[p]</c>.</summary>
    IReadOnlyList<long> Order { get; }

    /// <summary>
    /// Begins a solve over <paramref name="values"/> [..., D], zeros that the caller fills in place, feature by feature
    /// in <see cref="Order"/>.
    /// </summary>
    /// <param name="values">The values being solved for, contiguous.</param>
    ISequentialSolve Begin(torch.Tensor values);
}

/// <summary>One solve of an <see cref="ISequentialConditioner"/>.</summary>
public interface ISequentialSolve : IDisposable
{
    /// <summary>The parameters [..., P] of feature <paramref name="feature"/>, which read only the features fixed before it.</summary>
    /// <param name="feature">The next feature in the conditioner's order.</param>
    torch.Tensor Parameters(long feature);

    /// <summary>Says that the value of <paramref name="feature"/> has been written into the values.</summary>
    /// <param name="feature">The feature just fixed.</param>
    void Fixed(long feature);
}
