using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The discretised logistic of PixelCNN++ (Salimans et al., 2017) over the integer levels 0 … L − 1 (for example
/// L = 256 pixel intensities): level k owns the interval of width 2/(L − 1) around c_k = 2k/(L − 1) − 1 on [−1, 1],
/// the two edge levels own the tails, and its mass is the logistic probability of that interval. For the mixture, wrap
/// it with <see cref="MixtureSameFamily"/> (components along the last batch dimension).
/// </summary>
/// <remarks>
/// Masses are computed in log space: log(σ(b) − σ(a)) = log σ(b) − softplus(a) + log(1 − e^(a − b)), exact for any
/// scale, and the edges use log σ(b) and −softplus(a), so log-masses stay finite at 0 and L − 1 and for tiny scales.
/// </remarks>
public sealed class DiscretizedLogistic : Distribution, IDistribution
{
    /// <summary>Creates the distribution.</summary>
    /// <param name="loc">Location on the [−1, 1] scale of the levels.</param>
    /// <param name="logScale">Log of the logistic scale (on the same scale).</param>
    /// <param name="levels">L, the number of levels (at least 2).</param>
    public DiscretizedLogistic(torch.Tensor loc, torch.Tensor logScale, int levels = 256)
        : base(DistMath.BroadcastShapes("DiscretizedLogistic", [loc, logScale]), Array.Empty<long>())
    {
        if (levels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "DiscretizedLogistic: at least 2 levels are needed.");
        }

        Loc = loc;
        LogScale = logScale;
        Levels = levels;
        CheckParameter(loc, "loc", t => t.isfinite(), "finite");
        CheckParameter(logScale, "logScale", t => t.isfinite(), "finite");
    }

    /// <summary>Location on the [−1, 1] scale.</summary>
    public torch.Tensor Loc { get; }

    /// <summary>Log of the logistic scale.</summary>
    public torch.Tensor LogScale { get; }

    /// <summary>L, the number of levels.</summary>
    public int Levels { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => false;

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var k = value.to_type(Loc.dtype);
        if (AssumingValid)
        {
            return LogMass(Loc, LogScale, k, Levels).MoveToOuterDisposeScope(); // the caller has checked the levels
        }

        var inSupport = k.ge(0).logical_and(k.le(Levels - 1)).logical_and(k.eq(k.round()));
        var safe = torch.where(inSupport, k, torch.zeros_like(k));
        var lp = LogMass(Loc, LogScale, safe, Levels);
        return MaskSupport(lp, value, inSupport, $"the integers 0 … {Levels - 1}").MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The log-mass of integer levels <paramref name="level"/> (as a floating tensor) without any checks: the kernel
    /// that <see cref="LogProb"/> and image heads share. Broadcasts like its arguments.
    /// </summary>
    public static torch.Tensor LogMass(torch.Tensor loc, torch.Tensor logScale, torch.Tensor level, int levels)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(logScale);
        ArgumentNullException.ThrowIfNull(level);
        using var scope = torch.NewDisposeScope();
        double halfBin = 1.0 / (levels - 1);
        var centred = level * (2.0 / (levels - 1)) - 1 - loc;
        // e^(−log s), capped where its product with a bin edge (|·| ≤ 4) would overflow (log-scales below about −86 in
        // float32): there every bin but the mean's has mass 0 to float precision anyway, and inf·0 would give NaN.
        double cap = Math.Log(torch.finfo(logScale.dtype).max) - Math.Log(8);
        var inverseScale = (-logScale).clamp_max(cap).exp();
        var upper = inverseScale * (centred + halfBin);
        var lower = inverseScale * (centred - halfBin);
        var inner = torch.nn.functional.logsigmoid(upper) - DistMath.Softplus(lower) + (-torch.special.expm1(lower - upper)).log();
        var first = torch.nn.functional.logsigmoid(upper);   // level 0 takes the lower tail
        var last = -DistMath.Softplus(lower);     // level L − 1 takes the upper tail
        return torch.where(level.eq(0), first, torch.where(level.eq(levels - 1), last, inner)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        var u = DistMath.UniformOpen(shape, Loc, generator).clamp_max(DistMath.BelowOne(Loc.dtype));
        var y = Loc + LogScale.exp() * (u.log() - u.neg().log1p());
        return ((y + 1) * ((Levels - 1) / 2.0)).round().clamp(0, Levels - 1).MoveToOuterDisposeScope();
    }
}
