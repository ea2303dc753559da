namespace Gen.Probability.Distributions;

/// <summary>
/// A marker parameter that makes the parameters after it named-only. Distributions parameterised by either logits or
/// probabilities take them by name (<c>new Bernoulli(logits: l)</c>, <c>Family.Categorical(probs: p)</c>): PyTorch takes
/// <c>probs</c> first and Gen would take <c>logits</c> first, so a positional call ported from PyTorch would read
/// probabilities as logits without a word; with this marker in first place such a call does not compile. Never pass it.
/// </summary>
public readonly struct ByName
{
}
