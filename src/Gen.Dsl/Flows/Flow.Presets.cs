using System;

namespace Gen.Dsl;

/// <summary>
/// Flows of the papers in one line, as ordinary specs over a standard normal base that can be edited further
/// (<see cref="FlowSpec.Then(BijSpec)"/>, <see cref="FlowSpec.WithContext"/>, or a new spec from their steps).
/// </summary>
public static partial class Flow
{
    private static readonly int[] DefaultHidden = { 64, 64 };

    /// <summary>
    /// RealNVP (Dinh et al. 2017): <paramref name="transforms"/> affine couplings (tanh log-scale) whose masks alternate
    /// between the even and the odd features, each conditioned by an MLP with <paramref name="hidden"/> widths.
    /// </summary>
    /// <param name="features">Features per event (at least 2).</param>
    /// <param name="transforms">Couplings (at least 1).</param>
    /// <param name="hidden">The conditioners' hidden widths; 64, 64 when none are given.</param>
    /// <exception cref="GenShapeException">Fewer than 2 features, or a width that is not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 transform.</exception>
    public static FlowSpec RealNvp(int features, int transforms = 6, params int[] hidden) =>
        Couplings(features, transforms, hidden, (mask, net) => Bij.AffineCoupling(mask, net));

    /// <summary>
    /// NICE (Dinh et al. 2015): <paramref name="transforms"/> additive couplings with alternating masks, then a learnable
    /// per-feature scale and shift (NICE's diagonal scaling layer, here in log space).
    /// </summary>
    /// <param name="features">Features per event (at least 2).</param>
    /// <param name="transforms">Couplings (at least 1).</param>
    /// <param name="hidden">The conditioners' hidden widths; 64, 64 when none are given.</param>
    /// <exception cref="GenShapeException">Fewer than 2 features, or a width that is not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 transform.</exception>
    public static FlowSpec Nice(int features, int transforms = 4, params int[] hidden) =>
        Couplings(features, transforms, hidden, (mask, net) => Bij.AdditiveCoupling(mask, net)).Then(Bij.Affine());

    /// <summary>
    /// A masked autoregressive flow (Papamakarios et al. 2017): <paramref name="transforms"/> affine MAF layers, each a
    /// MADE with <paramref name="hidden"/> widths, with the features' order reversed between them.
    /// </summary>
    /// <param name="features">Features per event (at least 1).</param>
    /// <param name="transforms">MAF layers (at least 1).</param>
    /// <param name="hidden">The MADEs' hidden widths; 64, 64 when none are given.</param>
    /// <exception cref="GenShapeException">Fewer than 1 feature, or a width that is not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 transform.</exception>
    public static FlowSpec Maf(int features, int transforms = 5, params int[] hidden) =>
        AutoregressiveLayers(features, transforms, Bij.MaskedAutoregressive(Widths(hidden)));

    /// <summary>
    /// A neural spline flow (Durkan et al. 2019), autoregressive: <paramref name="transforms"/> MAF layers whose features
    /// pass through monotonic rational-quadratic splines of <paramref name="bins"/> bins on [−<paramref name="bound"/>,
    /// <paramref name="bound"/>], each a MADE with <paramref name="hidden"/> widths, with the order reversed between them.
    /// </summary>
    /// <param name="features">Features per event (at least 1).</param>
    /// <param name="transforms">Spline layers (at least 1).</param>
    /// <param name="bins">Bins per spline (2 to 999).</param>
    /// <param name="bound">Half-width of the interval the splines act on.</param>
    /// <param name="hidden">The MADEs' hidden widths; 64, 64 when none are given.</param>
    /// <exception cref="GenShapeException">Fewer than 1 feature, bins or a bound out of range, or a width that is not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 1 transform.</exception>
    public static FlowSpec Nsf(int features, int transforms = 3, int bins = 8, double bound = 3.0, params int[] hidden) =>
        AutoregressiveLayers(features, transforms, Bij.MaskedAutoregressive(Univariate.Spline(bins, bound), Widths(hidden)));

    private static int[] Widths(int[]? hidden) => hidden is null || hidden.Length == 0 ? (int[])DefaultHidden.Clone() : hidden;

    private static FlowSpec Couplings(int features, int transforms, int[]? hidden, Func<MaskSpec, MlpSpec, BijSpec> coupling)
    {
        CheckTransforms(transforms);
        var net = Net.Mlp(Widths(hidden));
        var flow = Over(Dist.StandardNormal(features));
        for (int i = 0; i < transforms; i++)
        {
            flow = flow.Then(coupling(Mask.Alternating(features, odd: i % 2 == 1), net));
        }

        return flow;
    }

    private static FlowSpec AutoregressiveLayers(int features, int transforms, BijSpec layer)
    {
        CheckTransforms(transforms);
        var flow = Over(Dist.StandardNormal(features));
        for (int i = 0; i < transforms; i++)
        {
            // Each layer after the first sees the features in the opposite order, as the MAF paper alternates them.
            flow = (i == 0 ? flow : flow.Then(Bij.Reverse())).Then(layer);
        }

        return flow;
    }

    private static void CheckTransforms(int transforms)
    {
        if (transforms < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(transforms), transforms, "A flow preset needs at least one transform.");
        }
    }
}
