using System;
using System.Globalization;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The map from pixel space to the space a flow's steps act on (images or flattened pixels), part of the flow's density: for data with K
/// levels (values 0 … K − 1, dequantised to y = x + u, u ~ U[0, 1)), the flow's <c>LogProb</c> is a density on
/// [0, K)^D, so that −log p(y)/(D·ln 2) is in bits per dimension of the discrete data (an upper bound on the discrete
/// model's in expectation over u; see <see cref="FlowModel.BitsPerDim"/>).
/// </summary>
/// <remarks>
/// <para>Change of variables, per dimension (D = C·H·W of them): with u = y/K, log p(y) = log p(u) − log K, so
/// <c>Centred</c> adds −D·log K to the log-density of v = u − ½, and <c>Logit</c> adds
/// Σ [log(1 − 2α) − log s − log(1 − s)] − D·log K with s = α + (1 − 2α)·u and v = logit(s). This is RealNVP's
/// bits/dim = (NLL in [0, 1] space + D·log K)/(D·ln 2), with every Jacobian term inside the model's log-density.</para>
/// <para>A uniform density on [0, K)^D gives log K/ln 2 bits per dimension (8 for 8-bit data): the baseline every model
/// must beat.</para>
/// </remarks>
/// <param name="Kind">The map.</param>
/// <param name="Levels">K, the number of pixel levels (256 for 8-bit data); 0 for <see cref="ImagePreprocessingKind.None"/>.</param>
/// <param name="Alpha">α of the logit map (RealNVP uses 0.05); 0 otherwise.</param>
public sealed record ImagePreprocessing(ImagePreprocessingKind Kind, int Levels, double Alpha)
{
    /// <summary>No preprocessing: the flow models the values as given.</summary>
    public static ImagePreprocessing None { get; } = new(ImagePreprocessingKind.None, 0, 0);

    /// <summary>Glow's scaling y ↦ y/K − ½ of dequantised pixels y ∈ [0, K).</summary>
    /// <param name="levels">K, at least 2 (256 for 8-bit data).</param>
    /// <exception cref="ArgumentOutOfRangeException">K is below 2.</exception>
    public static ImagePreprocessing Centred(int levels) => Checked(new(ImagePreprocessingKind.Centred, levels, 0));

    /// <summary>RealNVP's logit map y ↦ logit(α + (1 − 2α)·y/K) of dequantised pixels y ∈ [0, K).</summary>
    /// <param name="levels">K, at least 2 (256 for 8-bit data).</param>
    /// <param name="alpha">α in (0, ½): keeps the logit finite at the edges (RealNVP uses 0.05).</param>
    /// <exception cref="ArgumentOutOfRangeException">K is below 2 or α is not in (0, ½).</exception>
    public static ImagePreprocessing Logit(int levels, double alpha = 0.05) => Checked(new(ImagePreprocessingKind.Logit, levels, alpha));

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ImagePreprocessingKind.Centred => $"centred(levels: {Levels})",
        ImagePreprocessingKind.Logit => string.Create(CultureInfo.InvariantCulture, $"logit(levels: {Levels}, alpha: {Alpha:R})"),
        _ => "none",
    };

    /// <summary>
    /// The map from pixel space to the steps' space as a bijector whose events have rank <paramref name="eventRank"/>:
    /// 3 for images [C, H, W], as image flows use it, or 1 for images flattened to vectors, to put a vector flow (a MAF,
    /// say) over dequantised pixels. Its log-determinant holds every term of the change of variables (see the remarks),
    /// so a flow's log-density of the mapped values plus it is a density in pixel space. Null for <see cref="None"/>.
    /// </summary>
    /// <param name="like">A tensor in the dtype and on the device the map's constants are made in.</param>
    /// <param name="eventRank">The rank of one event, at least 1 (the map is elementwise; this says what one log-determinant sums over).</param>
    /// <exception cref="ArgumentOutOfRangeException">The event rank is below 1.</exception>
    public IBijector? Bijector(torch.Tensor like, int eventRank = 3)
    {
        ArgumentNullException.ThrowIfNull(like);
        if (eventRank < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(eventRank), eventRank, "flow.preprocessing: the event rank must be at least 1.");
        }

        if (Kind == ImagePreprocessingKind.None)
        {
            return null;
        }

        var logScale = torch.tensor(-Math.Log(Levels), dtype: like.dtype, device: like.device);
        var shift = torch.tensor(Kind == ImagePreprocessingKind.Centred ? -0.5 : 0.0, dtype: like.dtype, device: like.device);
        var scaling = new ElementwiseAffine(shift, logScale, eventRank);
        return Kind == ImagePreprocessingKind.Centred ? scaling : scaling.Then(new Block(Elementwise.Logit(Alpha), eventRank));
    }

    /// <summary>
    /// The pixel values the map is defined on: for the logit map, where α + (1 − 2α)·x/K lies in [0, 1], which is
    /// [0, K] widened by αK/(1 − 2α) on each side (its inverse, which gives samples, reaches all of it); every real
    /// number otherwise.
    /// </summary>
    internal (double Low, double High) Domain
    {
        get
        {
            if (Kind != ImagePreprocessingKind.Logit)
            {
                return (double.NegativeInfinity, double.PositiveInfinity);
            }

            double margin = Alpha * Levels / (1 - 2 * Alpha);
            return (-margin, Levels + margin);
        }
    }

    /// <summary>
    /// Throws unless the three numbers make a preprocessing the factories could have built (and a saved spec can be
    /// read back): none has no levels and no α; the centred map has at least 2 levels and no α; the logit map has at
    /// least 2 levels and α in (0, ½). Records can be built or copied with any values, so specs check again.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The levels or α do not fit the kind.</exception>
    internal static ImagePreprocessing Checked(ImagePreprocessing p)
    {
        if (p.Kind == ImagePreprocessingKind.None)
        {
            if (p.Levels != 0 || p.Alpha != 0)
            {
                throw new ArgumentOutOfRangeException("levels", p.Levels, $"flow.preprocessing: no preprocessing has no levels and no alpha, got {p.Levels} levels and alpha {p.Alpha.ToString(CultureInfo.InvariantCulture)}; use ImagePreprocessing.None.");
            }

            return p;
        }

        if (p.Levels < 2)
        {
            throw new ArgumentOutOfRangeException("levels", p.Levels, "flow.preprocessing: the number of pixel levels must be at least 2.");
        }

        if (p.Kind == ImagePreprocessingKind.Logit && !(p.Alpha > 0 && p.Alpha < 0.5))
        {
            throw new ArgumentOutOfRangeException("alpha", p.Alpha, "flow.preprocessing: the logit's alpha must lie in (0, 0.5).");
        }

        if (p.Kind == ImagePreprocessingKind.Centred && p.Alpha != 0)
        {
            throw new ArgumentOutOfRangeException("alpha", p.Alpha, "flow.preprocessing: the centred map has no alpha (it must be 0).");
        }

        return p;
    }
}
