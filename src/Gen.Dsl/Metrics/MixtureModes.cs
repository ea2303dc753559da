using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Data;

namespace Gen.Dsl;

/// <summary>The centres and the common standard deviation of an isotropic Gaussian mixture, for <see cref="ModeCoverage"/>.</summary>
public sealed class MixtureModes
{
    private readonly double[][] centres;

    /// <summary>Describes a mixture.</summary>
    /// <param name="centres">The component means, all of one dimension; copied.</param>
    /// <param name="standardDeviation">The components' standard deviation (per coordinate).</param>
    /// <exception cref="ArgumentException">No centres, centres of different dimensions, or a standard deviation that is not positive and finite.</exception>
    public MixtureModes(IEnumerable<double[]> centres, double standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(centres);
        this.centres = centres.Select(c => (c ?? throw new ArgumentException("mixture_modes: a centre is null.", nameof(centres))).ToArray()).ToArray();
        if (this.centres.Length == 0 || this.centres[0].Length == 0 || this.centres.Any(c => c.Length != this.centres[0].Length))
        {
            throw new ArgumentException("mixture_modes: give at least one centre, all with the same, positive number of coordinates.", nameof(centres));
        }

        if (!(standardDeviation > 0) || double.IsInfinity(standardDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "mixture_modes: the standard deviation must be positive and finite.");
        }

        StandardDeviation = standardDeviation;
    }

    /// <summary>The component means.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Centres => centres;

    /// <summary>The components' standard deviation.</summary>
    public double StandardDeviation { get; }

    /// <summary>Number of coordinates.</summary>
    public int Dimension => centres[0].Length;

    /// <summary>
    /// The modes of <see cref="ToyData"/>'s Gaussian mixtures, with its constants: for
    /// <see cref="ToySet.EightGaussians"/> centres 4·(cos kπ/4, sin kπ/4)/1.414 and standard deviation 0.5/1.414; for
    /// <see cref="ToySet.TwentyFiveGaussians"/> centres {−4, −2, 0, 2, 4}²/2.828 and standard deviation 0.05/2.828.
    /// </summary>
    /// <exception cref="ArgumentException">The set is not a Gaussian mixture.</exception>
    public static MixtureModes Of(ToySet set) => set switch
    {
        ToySet.EightGaussians => new MixtureModes(
            Enumerable.Range(0, 8).Select(k => new[] { 4 * Math.Cos(k * Math.PI / 4) / 1.414, 4 * Math.Sin(k * Math.PI / 4) / 1.414 }),
            0.5 / 1.414),
        ToySet.TwentyFiveGaussians => new MixtureModes(
            Enumerable.Range(0, 25).Select(i => new[] { ((i / 5) - 2) * 2 / 2.828, ((i % 5) - 2) * 2 / 2.828 }),
            0.05 / 2.828),
        _ => throw new ArgumentException($"mixture_modes: {set} is not a Gaussian mixture; the modes are known for EightGaussians and TwentyFiveGaussians.", nameof(set)),
    };
}
