using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Batch normalisation as a bijector (RealNVP, MAF): in its normalising direction,
/// z = (x − μ)/√(σ² + ε) · exp(logGamma) + beta per channel, with log|det J| = (elements per channel) ·
/// Σ (logGamma − ½ log(σ² + ε)). While <see cref="Training"/>, μ and σ² are the batch's statistics (and the
/// running averages move towards them); otherwise they are the running averages.
/// </summary>
/// <remarks>
/// <para>The channel is the first dimension of an event of rank r (r = 1 for vectors [D], 3 for images [C, H, W]);
/// statistics run over the batch and the event's other dimensions, and σ² is the biased (population) variance. In
/// training, gradients flow through the batch statistics, and the log-determinant treats them as constants, as in
/// the papers.</para>
/// <para>The other direction (from base to data: sampling) always uses the running averages: a batch of samples has
/// no data statistics to use. So in training the two directions are inverses only once the running averages match
/// the batch; in evaluation they are exact inverses and every bijector law holds.</para>
/// <para>A module owns <c>logGamma</c> and <c>beta</c> [C] as parameters (zero for the identity scale and shift)
/// and <c>runningMean</c> (zeros) and <c>runningVariance</c> (ones) [C] as buffers, and builds
/// <c>new BatchNorm(logGamma, beta, runningMean, runningVariance, eventRank, training)</c> on each pass with its own
/// training flag. Running averages are updated in place, without gradient: new = (1 − momentum)·old + momentum·batch.</para>
/// </remarks>
public sealed class BatchNorm : IBijector
{
    private readonly torch.Tensor logGamma;
    private readonly torch.Tensor beta;
    private readonly torch.Tensor runningMean;
    private readonly torch.Tensor runningVariance;

    /// <summary>Creates the layer.</summary>
    /// <param name="logGamma">[C]: the log of the per-channel scale applied after normalising.</param>
    /// <param name="beta">[C]: the per-channel shift applied after normalising.</param>
    /// <param name="runningMean">[C]: the running mean (updated in place while training).</param>
    /// <param name="runningVariance">[C]: the running variance (updated in place while training).</param>
    /// <param name="eventRank">The event rank r ≥ 1: 1 for vectors [D], 3 for images [C, H, W].</param>
    /// <param name="training">Whether to normalise with batch statistics and update the running averages.</param>
    /// <param name="momentum">The weight of the new batch in the running averages, in [0, 1].</param>
    /// <param name="epsilon">ε ≥ 0 added to the variance.</param>
    /// <param name="direction">Which direction normalises (maps data towards the base distribution).</param>
    /// <exception cref="GenShapeException">The per-channel tensors are not vectors of one length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The event rank, momentum or ε is out of range.</exception>
    public BatchNorm(
        torch.Tensor logGamma,
        torch.Tensor beta,
        torch.Tensor runningMean,
        torch.Tensor runningVariance,
        int eventRank,
        bool training,
        double momentum = 0.1,
        double epsilon = 1e-5,
        NormalisingDirection direction = NormalisingDirection.Inverse)
    {
        this.logGamma = logGamma ?? throw new ArgumentNullException(nameof(logGamma));
        this.beta = beta ?? throw new ArgumentNullException(nameof(beta));
        this.runningMean = runningMean ?? throw new ArgumentNullException(nameof(runningMean));
        this.runningVariance = runningVariance ?? throw new ArgumentNullException(nameof(runningVariance));
        ChannelLayout.CheckVectors("batch_norm", (logGamma, nameof(logGamma)), (beta, nameof(beta)), (runningMean, nameof(runningMean)), (runningVariance, nameof(runningVariance)));
        if (eventRank < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(eventRank), eventRank, "batch_norm: the event rank must be at least 1 (the channel dimension).");
        }

        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "batch_norm: the momentum must lie in [0, 1].");
        }

        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "batch_norm: epsilon must be non-negative and finite.");
        }

        EventRank = eventRank;
        Training = training;
        Momentum = momentum;
        Epsilon = epsilon;
        Direction = direction;
    }

    /// <summary>C: the number of channels.</summary>
    public long ChannelCount => logGamma.shape[0];

    /// <summary>Whether the normalising direction uses batch statistics and updates the running averages.</summary>
    public bool Training { get; }

    /// <summary>The weight of a new batch in the running averages.</summary>
    public double Momentum { get; }

    /// <summary>ε, added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Which direction normalises.</summary>
    public NormalisingDirection Direction { get; }

    /// <inheritdoc/>
    public int EventRank { get; }

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) =>
        Direction == NormalisingDirection.Forward ? Normalise(x) : Denormalise(x);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) =>
        Direction == NormalisingDirection.Inverse ? Normalise(y) : Denormalise(y);

    /// <inheritdoc/>
    public override string ToString() => $"BatchNorm({ChannelCount}, rank {EventRank}{(Training ? ", training" : string.Empty)})";

    private Transformed Normalise(torch.Tensor x)
    {
        ChannelLayout.Check(x, ChannelCount, EventRank, "batch_norm");
        using var scope = torch.NewDisposeScope();
        torch.Tensor mean;
        torch.Tensor variance;
        if (Training)
        {
            var dims = ChannelLayout.StatisticDims(x, EventRank);
            (variance, mean) = x.var_mean(dims, unbiased: false);
            using (torch.no_grad())
            {
                runningMean.mul_(1 - Momentum).add_(mean.detach().to(runningMean.dtype), alpha: Momentum);
                runningVariance.mul_(1 - Momentum).add_(variance.detach().to(runningVariance.dtype), alpha: Momentum);
            }
        }
        else
        {
            mean = runningMean;
            variance = runningVariance;
        }

        var logStd = 0.5 * (variance + Epsilon).log();
        var logScale = logGamma - logStd;
        var z = (x - ChannelLayout.Broadcastable(mean, EventRank)) * ChannelLayout.Broadcastable(logScale, EventRank).exp()
                + ChannelLayout.Broadcastable(beta, EventRank);
        return new Transformed(z.MoveToOuterDisposeScope(), ChannelLayout.LogDet(logScale, x, EventRank).MoveToOuterDisposeScope());
    }

    private Transformed Denormalise(torch.Tensor z)
    {
        ChannelLayout.Check(z, ChannelCount, EventRank, "batch_norm");
        using var scope = torch.NewDisposeScope();
        var logScale = logGamma - 0.5 * (runningVariance + Epsilon).log();
        var x = (z - ChannelLayout.Broadcastable(beta, EventRank)) * ChannelLayout.Broadcastable(-logScale, EventRank).exp()
                + ChannelLayout.Broadcastable(runningMean, EventRank);
        return new Transformed(x.MoveToOuterDisposeScope(), ChannelLayout.LogDet(-logScale, z, EventRank).MoveToOuterDisposeScope());
    }
}
