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
        w = new Parameter(LayerInitialization.FillUniform(torch.empty(h, d), 1 / Math.Sqrt(d)));
        c = new Parameter(torch.zeros(h));
        v = new Parameter(LayerInitialization.FillUniform(torch.empty(d, h), 1 / Math.Sqrt(h)));
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

    // Positions per block of LogitsCore (see there): 16 to 32 were fastest for MNIST's 784 × 500 on one thread.
    private const int BlockSize = 32;

    private protected override torch.Tensor LogitsCore(torch.Tensor x)
    {
        // a_i = c + Σ_{j<i} W_j x_j for every position i, in blocks of positions: the sum over the blocks before is
        // carried as one [B, H] matrix (a matrix product per block), and within a block the sums run over the inputs
        // shifted one position along, so a_i never holds x_i (not even by rounding, as cumsum − contribution would).
        // Working a block at a time keeps every intermediate a few megabytes: one [B, D, H] tensor per step (157 MB for
        // MNIST at batch 100) made each elementwise operation wait on fresh memory, and a training step took seconds.
        using var scope = torch.NewDisposeScope();
        var ordered = positions.ToPositions(x);                           // [B, D]
        var wt = w.t();                                                    // [D, H]: row p belongs to position p
        long batch = ordered.shape[0], hiddenUnits = wt.shape[1];
        var carried = c.expand(batch, hiddenUnits);                        // c + Σ over the blocks before
        var logits = new torch.Tensor[(Features + BlockSize - 1) / BlockSize];
        for (long start = 0, k = 0; start < Features; start += BlockSize, k++)
        {
            long size = Math.Min(BlockSize, Features - start);
            var xs = ordered.narrow(1, start, size);                       // [B, K]
            var ws = wt.narrow(0, start, size);                            // [K, H]
            var pre = carried.unsqueeze(1);
            if (size > 1)
            {
                var within = (xs.narrow(1, 0, size - 1).unsqueeze(-1) * ws.narrow(0, 0, size - 1)).cumsum(1); // [B, K−1, H]
                pre = torch.cat(new[] { pre, carried.unsqueeze(1) + within }, 1);                           // [B, K, H]
            }

            var hidden = torch.sigmoid(pre);
            // Σ_h hidden[b, i, h] v[i, h] as a batch of matrix-vector products over the block's positions.
            logits[k] = torch.bmm(hidden.transpose(0, 1), v.narrow(0, start, size).unsqueeze(-1)).squeeze(-1).t(); // [B, K]
            carried = carried + xs.matmul(ws);
        }

        var all = torch.cat(logits, 1) + b;                                // [B, D]
        return positions.ToFeatures(all).MoveToOuterDisposeScope();
    }

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
