using TorchSharp;
using System;
using Gen.Probability;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>A fixed permutation of the features: reversed, or random from a seed.</summary>
/// <param name="Seed">Seed of a random permutation; null reverses the order.</param>
public sealed record PermutationSpec(int? Seed) : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => Seed is null ? "Reverse" : $"Permute(seed: {Seed})";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.VectorFeatures(path);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module(Seed is null ? Permutation.Reverse((int)shape.Features) : Permutation.Random((int)shape.Features, Seed.Value));

    private sealed class Module(Permutation permutation) : BijectorModule("permutation")
    {
        public override IBijector Build(torch.Tensor? context) => permutation;
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        // A permutation has no parameters.
    }
}
