using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Probability.Bijectors;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// One feature-by-feature pass of a <see cref="Made"/> over values [..., D] that the caller fills in the network's
/// order: the hidden units are grouped by the position after which their inputs are all fixed, and each group is
/// computed once, when <see cref="Fixed"/> reaches that position; <see cref="Parameters"/> gives a feature's outputs
/// from the last hidden layer's units fixed by then. The work is one pass of the network cut into D steps, against D
/// full passes for the plain solve, and the outputs are the same up to rounding (the masked weights read the same terms).
/// Runs without gradient: it updates its hidden values in place.
/// </summary>
internal sealed class MadeSequentialSolve : ISequentialSolve
{
    private readonly Made made;
    private readonly torch.Tensor values;
    private readonly torch.Tensor[] hidden;
    private readonly long[] leading;
    private readonly List<torch.Tensor> owned = new();
    private readonly Dictionary<long, (torch.Tensor Index, torch.Tensor Weight, torch.Tensor Bias, torch.Tensor? Context)>[] groups;
    private readonly torch.Tensor? outputContext;
    private readonly torch.Tensor outputWeight;
    private readonly torch.Tensor outputBias;
    private readonly (torch.Tensor Weight, torch.Tensor Bias)? direct;
    private readonly long[] positionOf;

    public MadeSequentialSolve(Made made, torch.Tensor values, torch.Tensor? contextValues)
    {
        this.made = made;
        using var noGrad = torch.no_grad();
        using var build = torch.NewDisposeScope();
        long d = made.Features;
        leading = values.shape[..^1];
        this.values = Keep(values.view(-1, d)); // a view: the caller's writes show here
        long rows = this.values.shape[0];
        var layers = made.MaskedLayers();
        var contexts = layers.Select(l => l.Context is null || contextValues is null
            ? null
            : l.Context.forward(contextValues).expand(values.shape[..^1].Append(l.Context.weight!.shape[0]).ToArray()).reshape(rows, -1)).ToArray();

        var final = made.FinalPositions();
        groups = new Dictionary<long, (torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor?)>[layers.Length - 1];
        for (int l = 0; l < layers.Length - 1; l++)
        {
            groups[l] = new();
            foreach (var group in final[l].Select((position, unit) => (position, unit)).Where(u => u.position < d).GroupBy(u => (long)u.position))
            {
                var index = torch.tensor(group.Select(u => (long)u.unit).ToArray(), device: values.device);
                groups[l][group.Key] = (Keep(index), Keep(layers[l].Weight.index_select(0, index)), Keep(layers[l].Bias.index_select(0, index)), contexts[l] is { } c ? Keep(c.index_select(1, index)) : null);
            }
        }

        outputWeight = Keep(layers[^1].Weight);
        outputBias = layers[^1].Bias; // the layer's own parameter: not the pass's to free
        outputContext = contexts[^1] is { } last ? Keep(last) : null;
        direct = made.MaskedDirect() is var (w, b) ? (Keep(w), b) : null;
        hidden = made.Hidden.Select(h => Keep(torch.zeros(new[] { rows, (long)h }, dtype: values.dtype, device: values.device))).ToArray();
        positionOf = new long[d];
        var order = made.CurrentOrder;
        for (int p = 0; p < d; p++)
        {
            positionOf[order[p]] = p + 1;
        }

        Complete(0);
    }

    /// <summary>The outputs [..., K] of <paramref name="feature"/>.</summary>
    public torch.Tensor Parameters(long feature)
    {
        using var noGrad = torch.no_grad();
        int k = made.OutputsPerFeature;
        var rows = torch.arange(feature * k, (feature + 1) * k, dtype: torch.int64, device: values.device);
        var last = hidden.Length == 0 ? values : hidden[^1];
        var outputs = torch.nn.functional.linear(last, outputWeight.index_select(0, rows), outputBias.index_select(0, rows));
        if (outputContext is not null)
        {
            outputs = outputs + outputContext.index_select(1, rows);
        }

        if (direct is var (w, b))
        {
            // Only the features before this one have weights here, and they are fixed.
            outputs = outputs + torch.nn.functional.linear(values, w.index_select(0, rows), b.index_select(0, rows));
        }

        return outputs.reshape(leading.Append(k).ToArray());
    }

    /// <inheritdoc/>
    public void Fixed(long feature) => Complete(positionOf[feature]);

    /// <summary>Frees the pass's tensors.</summary>
    public void Dispose()
    {
        foreach (var t in owned)
        {
            t.Dispose();
        }

        owned.Clear();
    }

    // A tensor the pass keeps until it is disposed, whatever scope the caller is in.
    private torch.Tensor Keep(torch.Tensor t)
    {
        t.DetachFromDisposeScope();
        owned.Add(t);
        return t;
    }

    // Computes the units of every hidden layer whose inputs are all fixed once the feature at this position is.
    private void Complete(long position)
    {
        using var noGrad = torch.no_grad();
        for (int l = 0; l < groups.Length; l++)
        {
            if (groups[l].TryGetValue(position, out var g))
            {
                using var step = torch.NewDisposeScope();
                var pre = torch.nn.functional.linear(l == 0 ? values : hidden[l - 1], g.Weight, g.Bias);
                if (g.Context is not null)
                {
                    pre = pre + g.Context;
                }

                hidden[l].index_copy_(1, g.Index, made.Activate(pre));
            }
        }
    }
}
