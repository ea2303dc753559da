using System;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled NADE. With the features put in the model's order, the hidden pre-activations of all conditionals
/// are one exclusive cumulative sum, a_i = c + Σ_{j&lt;i} W_{:,j} x_j, so <see cref="AutoregressiveBinaryModel.LogProb"/>
/// costs O(D·H) and sampling updates a_i one feature at a time, also O(D·H).
/// </summary>
public sealed class NadeModel : AutoregressiveBinaryModel
{
    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly Parameter w;
    private readonly Parameter c;
    private readonly Parameter v;
    private readonly Parameter b;
    private readonly FeatureOrder positions;

    internal NadeModel(NadeSpec spec) : base("nade", spec.Features)
    {
        Spec = spec;
        positions = new FeatureOrder(spec.Order.For(spec.Features));

        long d = spec.Features, h = spec.Hidden;
        // Columns and rows are in the model's order (column p of W belongs to the feature at position p).
        w = new Parameter(torch.empty(h, d).uniform_(-1 / Math.Sqrt(d), 1 / Math.Sqrt(d)));
        c = new Parameter(torch.zeros(h));
        v = new Parameter(torch.empty(d, h).uniform_(-1 / Math.Sqrt(h), 1 / Math.Sqrt(h)));
        b = new Parameter(torch.zeros(d));
        register_parameter(nameof(w), w);
        register_parameter(nameof(c), c);
        register_parameter(nameof(v), v);
        register_parameter(nameof(b), b);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public NadeSpec Spec { get; }

    /// <inheritdoc/>
    public override long[] Order => positions.Order;

    private protected override torch.Tensor LogitsCore(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var ordered = positions.ToPositions(x);                           // [B, D]
        var contributions = ordered.unsqueeze(-1) * w.t().unsqueeze(0);    // [B, D, H]: W_{:,j} x_j
        // Σ_{j<i}, exclusive: the inclusive sums shifted one position along, not cumsum − contributions, whose rounding
        // would let logit i depend (by an ulp) on x_i itself.
        var inclusive = contributions.cumsum(1);
        var before = torch.nn.functional.pad(inclusive.narrow(1, 0, Features - 1), new long[] { 0, 0, 1, 0 }); // [B, D, H]
        var hidden = torch.sigmoid(before + c);                            // [B, D, H]
        var logits = (hidden * v).sum(-1) + b;                             // [B, D]
        return positions.ToFeatures(logits).MoveToOuterDisposeScope();
    }

    /// <summary>Ancestral sampling in O(D·H): the pre-activation grows by W_{:,i} x_i after each feature.</summary>
    private protected override torch.Tensor SampleCore(long count, torch.Generator? generator)
    {
        var a = c.expand(count, -1).clone();
        var columns = new torch.Tensor[Features];
        for (int p = 0; p < Features; p++)
        {
            var logit = torch.sigmoid(a).matmul(v[p]) + b[p];
            columns[p] = Bernoulli(logit, generator);
            a.add_(columns[p].unsqueeze(1) * w[.., p]);
        }

        return positions.ToFeatures(torch.stack(columns, 1));
    }
}
