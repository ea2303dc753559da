using System;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Mode coverage of samples from a Gaussian mixture, with the protocol of VEEGAN (Srivastava et al., 2017, section 5):
/// a sample is high quality if it lies within three standard deviations of the nearest mode's centre, and the number of
/// modes captured is the number of mixture components whose centre is nearest to at least one high-quality sample.
/// The paper draws 2500 samples per model. Later work (for example PacGAN's code) uses the same definition; a stricter
/// minimum number of samples per mode can be asked for.
/// </summary>
public static class ModeCoverage
{
    /// <summary>Measures mode coverage of <paramref name="samples"/> [n, dimension].</summary>
    /// <param name="samples">Samples from the model (2500 in the protocol), on any device.</param>
    /// <param name="modes">The mixture's centres and standard deviation.</param>
    /// <param name="standardDeviations">The quality threshold, in standard deviations from the nearest centre (3 in the protocol).</param>
    /// <param name="minimumSamples">High-quality samples a mode needs to count as captured (1 in the protocol).</param>
    /// <exception cref="GenShapeException">The samples are not [n, dimension].</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not positive, or the minimum is below 1.</exception>
    public static ModeCoverageResult Measure(torch.Tensor samples, MixtureModes modes, double standardDeviations = 3, long minimumSamples = 1)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(modes);
        if (samples.dim() != 2 || samples.shape[1] != modes.Dimension || samples.shape[0] < 1)
        {
            throw new GenShapeException("mode_coverage.samples", $"expects [n, {modes.Dimension}] with n ≥ 1, got {Shape.Format(samples.shape)}.");
        }

        if (!(standardDeviations > 0) || double.IsInfinity(standardDeviations))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviations), standardDeviations, "mode_coverage: the threshold must be positive and finite.");
        }

        if (minimumSamples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumSamples), minimumSamples, "mode_coverage: a mode needs at least one sample to be captured.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = samples.detach().to(torch.float64, torch.CPU);
        var centres = torch.tensor(modes.Centres.SelectMany(c => c).ToArray(), torch.float64).reshape(modes.Centres.Count, modes.Dimension);
        var (distance, nearest) = torch.cdist(x, centres).min(1);
        var good = distance.le(standardDeviations * modes.StandardDeviation);
        var perMode = torch.bincount(nearest.masked_select(good), minlength: modes.Centres.Count).data<long>().ToArray();
        long total = perMode.Sum();
        return new ModeCoverageResult(perMode.Count(c => c >= minimumSamples), modes.Centres.Count, (double)total / samples.shape[0], perMode);
    }
}
