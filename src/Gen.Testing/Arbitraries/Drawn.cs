namespace Gen.Testing;

/// <summary>
/// A value drawn by one of the <see cref="Arbitraries"/>, with the seed that reproduces it and a readable
/// description (the numbers of a tensor, the parts of a chain), which FsCheck prints for a counterexample.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Seed">The seed it was drawn from.</param>
/// <param name="Description">What it is.</param>
public sealed record Drawn<T>(T Value, int Seed, string Description)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Description} (seed {Seed})";
}
