using System;
using System.Collections.Generic;
using System.Linq;

namespace Gen.Dsl;

/// <summary>
/// How a MADE assigns each hidden unit its degree (the number of leading positions it may read): at random, as in
/// Germain et al. (2015), or spread evenly over 1..D−1.
/// </summary>
public sealed record HiddenDegrees
{
    private readonly int? seed;

    private HiddenDegrees(int? seed) => this.seed = seed;

    /// <summary>
    /// Degrees drawn uniformly from [min of the previous layer's degrees, D−1], as in the paper. Models trained with
    /// several masks draw new degrees for each mask (connectivity-agnostic training).
    /// </summary>
    public static HiddenDegrees Random(int seed) => new(seed);

    /// <summary>Degrees 1, 2, …, D−1, 1, 2, … in turn, so every degree is used equally often and nothing is left to chance.</summary>
    public static HiddenDegrees Even { get; } = new((int?)null);

    /// <summary>True when the degrees are drawn at random.</summary>
    public bool IsRandom => seed is not null;

    /// <summary>The seed of random degrees; null for even ones.</summary>
    internal int? RandomSeed => seed;

    /// <inheritdoc/>
    public override string ToString() => seed is int s ? $"random(seed: {s})" : "even";

    /// <summary>The degrees of each hidden layer for mask number <paramref name="draw"/>, for D = <paramref name="features"/>.</summary>
    internal int[][] Assign(IReadOnlyList<int> widths, long features, int draw)
    {
        // With one feature nothing may be read (D−1 = 0); degree 1 keeps every unit off every output.
        int top = (int)Math.Max(1, features - 1);
        var rng = seed is int s ? new System.Random(DrawSeed.Mix(s, draw)) : null;
        var layers = new int[widths.Count][];
        int low = 1;
        for (int l = 0; l < widths.Count; l++)
        {
            int lo = low;
            layers[l] = rng is null
                ? Enumerable.Range(0, widths[l]).Select(k => 1 + (k % top)).ToArray()
                : Enumerable.Range(0, widths[l]).Select(_ => rng.Next(lo, top + 1)).ToArray();
            low = layers[l].Min();
        }

        return layers;
    }
}
