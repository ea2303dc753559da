using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled FVSBN: D logistic regressions, one per feature, each on the features before it. The weight is kept
/// strictly lower-triangular by taking its part below the diagonal on every pass, so the entries on and above the
/// diagonal get zero gradient and never matter.
/// </summary>
public sealed class FvsbnModel : AutoregressiveBinaryModel
{
    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly FeatureOrder positions;

    internal FvsbnModel(FvsbnSpec spec) : base("fvsbn", spec.Features)
    {
        Spec = spec;
        positions = new FeatureOrder(spec.Order.For(spec.Features));

        // Rows and columns in the model's order: weight[i, j] is the effect of position j on position i.
        weight = new Parameter(torch.zeros(spec.Features, spec.Features));
        bias = new Parameter(torch.zeros(spec.Features));
        register_parameter(nameof(weight), weight);
        register_parameter(nameof(bias), bias);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public FvsbnSpec Spec { get; }

    /// <inheritdoc/>
    public override long[] Order => positions.Order;

    /// <summary>The effective weight, strictly lower-triangular in the model's order: [D, D], row = position predicted.</summary>
    public torch.Tensor Weight() => weight.tril(-1);

    private protected override torch.Tensor LogitsCore(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var ordered = positions.ToPositions(x);
        var logits = ordered.matmul(weight.tril(-1).t()) + bias;
        return positions.ToFeatures(logits).MoveToOuterDisposeScope();
    }
}
