using System;
using System.Globalization;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A noise-conditional score model (NCSN, Song and Ermon 2019) declared as a spec: s(x, σ) ≈ ∇ₓ log p_σ(x), the score of
/// the data blurred by Gaussian noise of scale σ, for each level of <see cref="Sigmas"/>. It is one network for every
/// level: it reads the example with log σ beside it, as one more feature of a vector [D + 1] or one more channel of an
/// image [C + 1, H, W] (a constant plane), gives the data's shape, and its output divided by σ is the score, which gives
/// the score its 1/σ scale. Train it by denoising score matching over the levels
/// (<see cref="ScoreModel.Loss"/>), sample it by annealed Langevin dynamics (<see cref="ScoreModel.Sample"/>). Build it
/// with <see cref="Scores"/>.
/// </summary>
/// <param name="DataShape">The shape of one example: [features] or [C, H, W].</param>
/// <param name="Network">From [D + 1] to [D], or from [C + 1, H, W] to [C, H, W] (such as <see cref="Net.ConvResNet"/>).</param>
/// <param name="Sigmas">The noise levels, decreasing, positive and finite (<see cref="AnnealedLangevin.Geometric"/>).</param>
public sealed record ScoreSpec(ValueList<int> DataShape, NetworkSpec Network, ValueList<double> Sigmas) : IModelSpec<ScoreModel>, ISizedSpec
{
    private const string Node = "score";

    /// <summary>The same model with another network (see <see cref="Network"/> for its shapes).</summary>
    /// <exception cref="GenShapeException">The network cannot map the shapes; the message names the layer.</exception>
    public ScoreSpec WithNetwork(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Checked(this with { Network = network });
    }

    /// <summary>The same model over <paramref name="levels"/> levels geometric from <paramref name="largest"/> down to <paramref name="smallest"/>.</summary>
    /// <exception cref="GenShapeException">The levels are not positive and decreasing, or fewer than one.</exception>
    public ScoreSpec WithLevels(double largest, double smallest, int levels)
    {
        if (levels < 1 || !(largest >= smallest) || !(smallest > 0) || !double.IsFinite(largest))
        {
            throw new GenShapeException($"{Node}.sigmas", string.Create(CultureInfo.InvariantCulture, $"noise levels run from a finite largest down to a positive smallest, got {largest} to {smallest} in {levels} levels."));
        }

        return Checked(this with { Sigmas = AnnealedLangevin.Geometric(largest, smallest, levels) });
    }

    /// <summary>The data shape as longs.</summary>
    internal long[] EventShape => DataShape.Select(d => (long)d).ToArray();

    /// <summary>The network's input: the data with log σ as one more feature or channel.</summary>
    internal long[] NetworkInput => EventShape.Select((d, i) => i == 0 ? d + 1 : d).ToArray();

    /// <summary>
    /// Compiles the spec to a new, independent module on <paramref name="device"/>. With a <paramref name="seed"/>, the
    /// initial weights are the same on every compile.
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    /// <exception cref="GenShapeException">The spec does not fit together (possible when it was built with the record constructor).</exception>
    public ScoreModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Checked(this);
        return SpecCompiler.Compile(() => new ScoreModel(this), device, dtype, seed);
    }

    /// <summary>The spec as one line.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Score over {Shape.Format(EventShape)}: {Network} over [x, log σ], divided by σ; {Sigmas.Count} levels from {Sigmas[0]:G4} to {Sigmas[^1]:G4}");

    /// <summary>Checks the spec; throws <see cref="GenShapeException"/> naming the part.</summary>
    internal static ScoreSpec Checked(ScoreSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.DataShape is null || (spec.DataShape.Count != 1 && spec.DataShape.Count != 3) || spec.DataShape.Any(d => d < 1))
        {
            throw new GenShapeException($"{Node}.data", $"a score model takes vectors [features] or images [C, H, W] of positive sizes, got {(spec.DataShape is null ? "none" : Shape.Format(spec.EventShape))}.");
        }

        if (spec.Sigmas is null || spec.Sigmas.Count == 0 || spec.Sigmas.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new GenShapeException($"{Node}.sigmas", "a score model needs one or more positive, finite noise levels.");
        }

        for (int i = 1; i < spec.Sigmas.Count; i++)
        {
            if (!(spec.Sigmas[i] < spec.Sigmas[i - 1]))
            {
                throw new GenShapeException($"{Node}.sigmas[{i}]", string.Create(CultureInfo.InvariantCulture,
                    $"the noise levels must decrease (annealing runs from the largest to the smallest), but {spec.Sigmas[i]} follows {spec.Sigmas[i - 1]}."));
            }
        }

        if (spec.Network is null)
        {
            throw new GenShapeException($"{Node}.network", "a score model needs a network (Net.Mlp, Net.ConvResNet).");
        }

        spec.Network.CheckShapes($"{Node}.network", spec.NetworkInput, spec.EventShape);
        return spec;
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features($"{Node}.data", EventShape.Aggregate((Int128)1, (a, d) => a * d));
        budget.Width($"{Node}.sigmas", Sigmas.Count);
        Network.Measure(budget, $"{Node}.network", NetworkInput, EventShape);
    }
}
