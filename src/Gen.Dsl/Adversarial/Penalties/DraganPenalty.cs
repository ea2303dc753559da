using System;
using System.Globalization;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The DRAGAN penalty (Kodali et al., 2017), as in the authors' code: E(‖∇ D(x̂)‖ − 1)² at points near the data,
/// x̂ = x + α·(x_p − x) with x_p = x + <see cref="Scale"/>·std(x)·u, u ~ U[0, 1) per feature, α ~ U[0, 1) per sample, and
/// std(x) the standard deviation of all entries of the real batch. Its usual weight is 10.
/// </summary>
/// <param name="Scale">How far the perturbation reaches, in units of the batch's standard deviation (0.5 in the paper's code).</param>
public sealed record DraganPenalty(double Scale) : CriticPenalty
{
    /// <summary>The same penalty with another perturbation scale.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not positive and finite.</exception>
    public DraganPenalty WithScale(double scale)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "dragan: the perturbation scale must be positive and finite.");
        }

        return this with { Scale = scale };
    }

    /// <inheritdoc/>
    public override torch.Tensor Value(CriticBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var real = batch.Real;
        var u = DeviceRandom.Uniform(real.shape, real.dtype, real.device, batch.Generator);
        var step = u * real.std() * Scale;
        return UnitGradientNorm(batch, real + (PerSampleUniform(batch) * step));
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dragan({Scale.ToString(CultureInfo.InvariantCulture)})";
}
