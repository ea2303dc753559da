using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Glow's activation normalisation: a per-channel affine map y = x·exp(logScale) + shift, initialised from data.
/// The first batch it sees in its normalising direction (<see cref="NormalisingDirection"/>) sets the parameters
/// so that this batch's outputs have zero mean and unit variance per channel; afterwards it is an ordinary learnable
/// affine layer. log|det J| = (elements per channel) · Σ logScale: H·W·Σ log|s| for images [C, H, W], Σ log|s| for
/// vectors [D].
/// </summary>
/// <remarks>
/// <para>The channel is the first dimension of an event of rank r (r = 3 for [C, H, W], 1 for [D]); statistics run
/// over the batch and the remaining event dimensions, and the standard deviation is floored at 10⁻⁶ (a constant
/// channel would otherwise get an infinite scale). Initialise on a batch of realistic size.</para>
/// <para>A module owns <c>shift</c> and <c>logScale</c> [C] as parameters and <c>initialised</c>, a 0-dimensional
/// boolean tensor (false at first), as a buffer so that checkpoints carry it, and builds
/// <c>new ActNorm(shift, logScale, initialised, eventRank)</c> on each pass. The initialisation writes the parameters
/// and the flag in place, without gradient. Reading the flag costs one device synchronisation per call.</para>
/// <para>Calls in the other direction before initialisation (sampling an untrained model) use the parameters as
/// they are and do not initialise.</para>
/// </remarks>
public sealed class ActNorm : IBijector
{
    /// <summary>The floor on a channel's standard deviation in the data-dependent initialisation.</summary>
    public const double MinStd = 1e-6;

    private readonly torch.Tensor shift;
    private readonly torch.Tensor logScale;
    private readonly torch.Tensor initialised;

    /// <summary>Creates the layer.</summary>
    /// <param name="shift">[C]: the per-channel shift (written on initialisation).</param>
    /// <param name="logScale">[C]: the per-channel log-scale (written on initialisation).</param>
    /// <param name="initialised">A 0-dimensional boolean tensor: whether the parameters are initialised (set to true on initialisation).</param>
    /// <param name="eventRank">The event rank r ≥ 1: 3 for images [C, H, W], 1 for vectors [D].</param>
    /// <param name="direction">The direction whose outputs the initialisation normalises.</param>
    /// <exception cref="GenShapeException">The parameters are not vectors of one length, or the flag is not a scalar.</exception>
    /// <exception cref="ArgumentException">The flag is not boolean, or the event rank is below 1.</exception>
    public ActNorm(torch.Tensor shift, torch.Tensor logScale, torch.Tensor initialised, int eventRank, NormalisingDirection direction = NormalisingDirection.Inverse)
    {
        this.shift = shift ?? throw new ArgumentNullException(nameof(shift));
        this.logScale = logScale ?? throw new ArgumentNullException(nameof(logScale));
        this.initialised = initialised ?? throw new ArgumentNullException(nameof(initialised));
        if (eventRank < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(eventRank), eventRank, "actnorm: the event rank must be at least 1 (the channel dimension).");
        }

        ChannelLayout.CheckVectors("actnorm", (shift, nameof(shift)), (logScale, nameof(logScale)));
        if (initialised.dim() != 0)
        {
            throw new GenShapeException("actnorm", $"the initialised flag must be a 0-dimensional tensor, got {Shape.Format(initialised.shape)}.");
        }

        if (initialised.dtype != torch.ScalarType.Bool)
        {
            throw new ArgumentException($"actnorm: the initialised flag must be a boolean tensor, got {initialised.dtype}.", nameof(initialised));
        }

        EventRank = eventRank;
        Direction = direction;
    }

    /// <summary>C: the number of channels.</summary>
    public long ChannelCount => shift.shape[0];

    /// <summary>The direction whose outputs the data-dependent initialisation normalises.</summary>
    public NormalisingDirection Direction { get; }

    /// <summary>Whether the data-dependent initialisation has run (reads the flag tensor).</summary>
    public bool Initialised => initialised.item<bool>();

    /// <inheritdoc/>
    public int EventRank { get; }

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        ChannelLayout.Check(x, ChannelCount, EventRank, "actnorm");
        InitialiseIfNeeded(x, NormalisingDirection.Forward);
        using var scope = torch.NewDisposeScope();
        var y = x * ChannelLayout.Broadcastable(logScale, EventRank).exp() + ChannelLayout.Broadcastable(shift, EventRank);
        return new Transformed(y.MoveToOuterDisposeScope(), ChannelLayout.LogDet(logScale, x, EventRank).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        ChannelLayout.Check(y, ChannelCount, EventRank, "actnorm");
        InitialiseIfNeeded(y, NormalisingDirection.Inverse);
        using var scope = torch.NewDisposeScope();
        var x = (y - ChannelLayout.Broadcastable(shift, EventRank)) * ChannelLayout.Broadcastable(-logScale, EventRank).exp();
        return new Transformed(x.MoveToOuterDisposeScope(), ChannelLayout.LogDet(-logScale, y, EventRank).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public override string ToString() => $"ActNorm({ChannelCount}, rank {EventRank})";

    private void InitialiseIfNeeded(torch.Tensor input, NormalisingDirection direction)
    {
        if (direction != Direction || Initialised)
        {
            return;
        }

        long perChannel = input.numel() / Math.Max(1, shift.numel());
        if (perChannel < 2)
        {
            // One value per channel has no spread: its scale would be 1/MinStd, fixed for good from then on.
            throw new ArgumentException(
                $"actnorm: the data-dependent initialisation estimates each channel's mean and spread from the first batch it sees, but this batch holds {perChannel} value per channel (shape {Shape.Format(input.shape)}); run the first pass on a training batch of realistic size.",
                nameof(input));
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (std, mean) = input.detach().std_mean(ChannelLayout.StatisticDims(input, EventRank), unbiased: false);
        var logStd = std.clamp_min(MinStd).log().to(logScale.dtype);
        mean = mean.to(shift.dtype);
        if (direction == NormalisingDirection.Inverse)
        {
            // x = (y − shift)·e^(−logScale): subtract the mean, divide by the standard deviation.
            shift.copy_(mean);
            logScale.copy_(logStd);
        }
        else
        {
            // y = x·e^(logScale) + shift with logScale = −log σ and shift = −μ/σ.
            logScale.copy_(-logStd);
            shift.copy_(-mean * (-logStd).exp());
        }

        initialised.fill_(true);
    }
}
