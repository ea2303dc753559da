using System.Collections.Generic;

namespace Gen.Dsl;

/// <summary>The outcome of <see cref="ModeCoverage.Measure"/>.</summary>
/// <param name="ModesCaptured">Modes that received at least the required number of high-quality samples.</param>
/// <param name="Modes">Modes in the mixture.</param>
/// <param name="HighQualityShare">The share of samples that are high quality (within the threshold of their nearest mode), in [0, 1].</param>
/// <param name="HighQualityPerMode">High-quality samples per mode, in the order of <see cref="MixtureModes.Centres"/>.</param>
public sealed record ModeCoverageResult(int ModesCaptured, int Modes, double HighQualityShare, IReadOnlyList<long> HighQualityPerMode)
{
    /// <inheritdoc/>
    public override string ToString() => $"{ModesCaptured}/{Modes} modes, {HighQualityShare:P1} high quality";
}
