using System;
using System.Collections.Generic;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// The Wasserstein GAN (Arjovsky et al., 2017): the critic minimises E D(G(z)) − E D(x), the generator −E D(G(z)). The
/// critic must be kept (roughly) 1-Lipschitz: by clipping every weight to [−c, c] after each critic update
/// (<see cref="Clip"/>, the original recipe), or by a gradient penalty (<c>Objective.Wasserstein + 10 * Penalty.GradientPenalty</c>,
/// WGAN-GP), or by spectral normalisation.
/// </summary>
/// <param name="Clip">The clipping bound c, or null for no clipping.</param>
public sealed record WassersteinLoss(double? Clip) : LogitLoss
{
    /// <summary>The same objective with weights clipped to [−<paramref name="clip"/>, <paramref name="clip"/>] after each critic update.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The bound is not positive and finite.</exception>
    public WassersteinLoss WithClipping(double clip)
    {
        if (!(clip > 0) || double.IsInfinity(clip))
        {
            throw new ArgumentOutOfRangeException(nameof(clip), clip, "wasserstein: the clipping bound must be positive and finite.");
        }

        return this with { Clip = clip };
    }

    /// <inheritdoc/>
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realLogits, torch.Tensor fakeLogits) =>
        Compute(realLogits, fakeLogits, (r, f) => f.mean() - r.mean());

    /// <inheritdoc/>
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeLogits) => Compute(fakeLogits, f => -f.mean());

    /// <summary>Clips every discriminator parameter to [−c, c] in place when <see cref="Clip"/> is set.</summary>
    public override void Constrain(IEnumerable<Parameter> discriminatorParameters)
    {
        ArgumentNullException.ThrowIfNull(discriminatorParameters);
        if (Clip is not double c)
        {
            return;
        }

        using var noGrad = torch.no_grad();
        foreach (var p in discriminatorParameters)
        {
            p.clamp_(-c, c);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Clip is double c ? $"Wasserstein(clip {c.ToString(CultureInfo.InvariantCulture)})" : "Wasserstein";
}
