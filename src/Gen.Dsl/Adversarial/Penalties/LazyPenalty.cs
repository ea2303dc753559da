using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A critic penalty applied on every <see cref="Interval"/>-th critic update only, scaled by the interval (lazy
/// regularisation, Karras et al. 2020): the gradient-of-gradient work of R1 or a gradient penalty is paid once in k
/// updates, and its weight per update is the same on average. Made with <see cref="CriticPenalty.Every"/>.
/// </summary>
public sealed record LazyPenalty : CriticPenalty
{
    /// <summary>The penalty applied on every <paramref name="interval"/>-th update.</summary>
    /// <param name="penalty">The penalty.</param>
    /// <param name="interval">k, 2 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">The interval is below 2.</exception>
    public LazyPenalty(CriticPenalty penalty, int interval)
    {
        ArgumentNullException.ThrowIfNull(penalty);
        if (interval < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "lazy_penalty: the interval must be 2 or more (1 is the penalty itself).");
        }

        Penalty = penalty is LazyPenalty lazy ? lazy.Penalty : penalty;
        Interval = penalty is LazyPenalty nested ? checked(nested.Interval * interval) : interval;
    }

    /// <summary>The penalty.</summary>
    public CriticPenalty Penalty { get; }

    /// <summary>k: the penalty applies when the update's index is a multiple of it.</summary>
    public int Interval { get; }

    /// <inheritdoc/>
    public override torch.Tensor Value(CriticBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Update % Interval == 0 ? Penalty.Value(batch) * Interval : Zero(batch.RealLogits);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Penalty}.Every({Interval})";
}
