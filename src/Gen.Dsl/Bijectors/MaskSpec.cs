using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A binary coupling mask over vector features: 1 marks a feature passed through unchanged (and conditioned on),
/// 0 a feature transformed. The coupling's network reads the masked features (and then the context, in a conditional flow).
/// </summary>
/// <param name="Features">Number of features.</param>
/// <param name="Odd">False: features 0, 2, 4 … are kept; true: features 1, 3, 5 … are kept.</param>
/// <param name="Halves">True: the first half is kept (or the second, when <paramref name="Odd"/>), instead of alternating.</param>
public sealed record MaskSpec(int Features, bool Odd, bool Halves) : CouplingMaskSpec
{
    /// <summary>The complementary mask (kept and transformed swap roles).</summary>
    public override MaskSpec Flipped() => this with { Odd = !Odd };

    /// <inheritdoc/>
    public override string ToString() => $"{(Halves ? "halves" : "alternating")}({Features}{(Odd ? ", odd" : "")})";

    internal float[] Values() => Enumerable.Range(0, Features)
        .Select(i => Halves ? ((i < Features / 2) ^ Odd ? 1f : 0f) : ((i % 2 == 0) ^ Odd ? 1f : 0f))
        .ToArray();

    internal torch.Tensor Build() => torch.tensor(Values());

    /// <inheritdoc/>
    internal override void Check(string path, StepShape shape)
    {
        long features = shape.VectorFeatures(path);
        if (Features != features)
        {
            throw new GenShapeException(path, $"the mask has {Features} features, but the flow's events have {features}.");
        }
    }

    /// <inheritdoc/>
    internal override torch.Tensor Build(StepShape shape) => Build();

    /// <inheritdoc/>
    internal override long[] NetworkInput(StepShape shape) => new[] { Features + shape.ContextFeatures };

    /// <inheritdoc/>
    internal override torch.Tensor NetworkInput(torch.Tensor kept, torch.Tensor mask, torch.Tensor? context, StepShape shape) =>
        ConditionerInput.Of(kept, shape.ContextFeatures > 0 ? context : null);
}
