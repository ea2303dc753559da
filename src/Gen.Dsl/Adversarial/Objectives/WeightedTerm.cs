namespace Gen.Dsl;

/// <summary>One term of a <see cref="WeightedLoss"/>.</summary>
/// <param name="Weight">The term's weight (non-negative).</param>
/// <param name="Loss">The loss.</param>
public readonly record struct WeightedTerm(double Weight, AdversarialLoss Loss);
