using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The monotonic rational-quadratic spline of neural spline flows (<see cref="RationalQuadraticSpline"/>) with
/// <see cref="Bins"/> bins on [−<see cref="Bound"/>, <see cref="Bound"/>] and identity tails: 3K − 1 parameters per
/// element, K bin widths, then K bin heights, then K − 1 interior knot derivatives. Zero parameters give the identity.
/// </summary>
/// <param name="Bins">K, bins per spline (2 to <see cref="RationalQuadraticSpline.MaxBins"/>).</param>
/// <param name="Bound">B, half-width of the interval the splines act on (positive and finite).</param>
public sealed record SplineMap(int Bins, double Bound) : UnivariateMap
{
    /// <inheritdoc/>
    public override int ParameterCount => (3 * Bins) - 1;

    /// <inheritdoc/>
    public override void Check(string path)
    {
        if (Bins < 2 || Bins > RationalQuadraticSpline.MaxBins)
        {
            throw new GenShapeException($"{path}.bins", $"a spline needs 2 to {RationalQuadraticSpline.MaxBins} bins (each keeps at least {RationalQuadraticSpline.MinBinShare} of the interval), got {Bins}.");
        }

        if (!(Bound > 0) || double.IsInfinity(Bound))
        {
            throw new GenShapeException($"{path}.bound", $"the bound must be positive and finite, got {Bound}.");
        }
    }

    /// <inheritdoc/>
    public override IBijector Bind(torch.Tensor parameters)
    {
        Check("spline_map");
        CheckParameters(parameters, "spline_map");
        return new RationalQuadraticSpline(parameters.narrow(-1, 0, Bins), parameters.narrow(-1, Bins, Bins), parameters.narrow(-1, 2 * Bins, Bins - 1), Bound);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Spline(bins: {Bins}, bound: {Bound.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
}
