using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The affine map y = x·exp(s) + t with parameters (t, r): the shift t, and an unconstrained r turned into the
/// log-scale s by <see cref="Scale"/>. With the tanh scale it is RealNVP's coupling transform, with the softplus scale
/// the transform of MAF and IAF. Zero parameters give the identity.
/// </summary>
/// <param name="Scale">How r becomes the log-scale.</param>
public sealed record AffineMap(AffineScale Scale) : UnivariateMap
{
    /// <inheritdoc/>
    public override int ParameterCount => 2;

    /// <inheritdoc/>
    public override void Check(string path)
    {
        if (!Enum.IsDefined(Scale))
        {
            throw new GenShapeException($"{path}.scale", $"{Scale} is not an affine scale ({string.Join(", ", Enum.GetNames<AffineScale>())}).");
        }
    }

    /// <inheritdoc/>
    public override IBijector Bind(torch.Tensor parameters)
    {
        CheckParameters(parameters, "affine_map");
        return new ElementwiseAffine(parameters.select(-1, 0), LogScale(parameters.select(-1, 1)));
    }

    /// <summary>The log-scale s for the unconstrained parameter <paramref name="raw"/>.</summary>
    public torch.Tensor LogScale(torch.Tensor raw) => Scale == AffineScale.Tanh ? torch.tanh(raw) : StableLogScale.FromUnconstrained(raw);

    /// <inheritdoc/>
    public override string ToString() => $"Affine({Scale.ToString().ToLowerInvariant()})";
}
