using Gen.Probability;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>A fixed permutation of the features: reversed, or random from a seed.</summary>
/// <param name="Seed">Seed of a random permutation; null reverses the order.</param>
public sealed record PermutationSpec(int? Seed) : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => Seed is null ? "Reverse" : $"Permute(seed: {Seed})";

    internal override void Check(string path, long features)
    {
    }

    internal override BijectorModule Compile(long features, long contextFeatures) => new Module(Seed is null ? Permutation.Reverse((int)features) : Permutation.Random((int)features, Seed.Value));

    private sealed class Module(Permutation permutation) : BijectorModule("permutation")
    {
        public override IBijector Build() => permutation;
    }

    /// <inheritdoc/>
    internal override void Measure(SpecBudget budget, string path, long features, long contextFeatures)
    {
        // A permutation has no parameters.
    }
}
