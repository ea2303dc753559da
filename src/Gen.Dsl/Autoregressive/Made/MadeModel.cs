using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A compiled MADE density model of binary vectors: one network pass gives every conditional's logit, so
/// <see cref="AutoregressiveBinaryModel.LogProb"/> is exact in one pass, and sampling computes each hidden unit once,
/// when the features it reads are drawn, so it costs about one pass too (in D small steps).
/// </summary>
public sealed class MadeModel : AutoregressiveBinaryModel
{
    private readonly Made network;

    internal MadeModel(MadeSpec spec, Made network) : base("made", spec.Features)
    {
        Spec = spec;
        this.network = network;
        register_module(nameof(this.network), network);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public MadeSpec Spec { get; }

    /// <summary>The masked network (one output per feature: the logit).</summary>
    public Made Network => network;

    /// <inheritdoc/>
    public override long[] Order => network.Order;

    /// <summary>How many masks the model cycles through.</summary>
    public int MaskCount => network.MaskCount;

    /// <summary>Moves on to the next mask; call once per minibatch for order-agnostic training.</summary>
    public void NextMask() => network.NextMask();

    /// <summary>Switches to mask number <paramref name="index"/>.</summary>
    public void UseMask(int index) => network.UseMask(index);

    /// <summary>
    /// The log-probability under the uniform mixture of the first <paramref name="masks"/> masks, log (1/n) Σₘ pₘ(x),
    /// shape [batch]: the order-agnostic ensemble of Germain et al. The mask in use is restored afterwards.
    /// </summary>
    /// <param name="x">A batch of binary vectors, [batch, D].</param>
    /// <param name="masks">How many masks to average over, 1..<see cref="MaskCount"/>.</param>
    public torch.Tensor EnsembleLogProb(torch.Tensor x, int masks)
    {
        if (masks < 1 || masks > MaskCount)
        {
            throw new ArgumentOutOfRangeException(nameof(masks), masks, $"made.ensemble_log_prob: the model has {MaskCount} masks; average over 1..{MaskCount} of them.");
        }

        int current = network.CurrentMask;
        using var scope = torch.NewDisposeScope();
        var each = new torch.Tensor[masks];
        try
        {
            for (int m = 0; m < masks; m++)
            {
                network.UseMask(m);
                each[m] = LogProb(x);
            }
        }
        finally
        {
            network.UseMask(current);
        }

        return (torch.stack(each).logsumexp(0) - Math.Log(masks)).MoveToOuterDisposeScope();
    }

    /// <summary>Ancestral sampling in the cost of about one pass (see <see cref="Made"/>); the same draws as D full passes would make.</summary>
    private protected override torch.Tensor SampleCore(long count, torch.Generator? generator) =>
        network.SampleIncrementally(count, null, (_, logits) => Bernoulli(logits.squeeze(-1), generator), Reference());

    private protected override torch.Tensor LogitsCore(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return network.forward(x).squeeze(-1).MoveToOuterDisposeScope();
    }
}
