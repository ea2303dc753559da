using System;
using System.Linq;
using Gen.Dsl;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gen.Bench;

/// <summary>
/// A masked autoregressive flow: blocks of a MAF layer (a MADE with two outputs per feature, ReLU, natural order)
/// followed by a reversal, over a standard normal, trained by maximum likelihood on a fixed standard-normal batch.
/// The hand-written version copies the compiled MADEs' masks and weights, so the two compute the same function.
/// </summary>
internal static class MafCases
{
    public static SpeedCase Create(string name, int features, int blocks, int hidden, int batch) => new(
        name,
        $"MAF, {features} dims, {blocks} blocks of MADE {features}-{hidden}-{hidden}, batch {batch}",
        batch,
        Flops(features, blocks, hidden, batch),
        (device, seed) =>
        {
            var model = Spec(features, blocks, hidden).Compile(device, float32, seed);
            var x = Batch(features, batch, device, seed);
            return TrainStep.WithFusedAdam(model, model.parameters(), () => model.LogProb(x));
        },
        (device, seed) =>
        {
            using var reference = Spec(features, blocks, hidden).Compile(device, float32, seed);
            var model = new HandMaf(reference, features);
            var x = Batch(features, batch, device, seed);
            return TrainStep.WithTorchAdam(model, model.parameters(), () => model.forward(x));
        });

    /// <summary>The spec the case compiles.</summary>
    public static FlowSpec Spec(int features, int blocks, int hidden) =>
        Flow.Over(Dist.StandardNormal(features))
            .Then(Bij.MaskedAutoregressive(hidden, hidden))
            .Then(Bij.Reverse())
            .Repeat(blocks);

    /// <summary>
    /// Each block's MADE is D→H→H→2D (masked, but computed densely). The density pass runs the last block first, on
    /// the (reversed) data, so its first layer needs no input gradient.
    /// </summary>
    private static FlopCount Flops(int features, int blocks, int hidden, int batch) =>
        Enumerable.Range(0, blocks).Aggregate(default(FlopCount), (total, i) =>
            total + FlopCount.Mlp(batch, new long[] { features, hidden, hidden, 2L * features }, inputGradient: i > 0));

    private static Tensor Batch(int features, int batch, torch.Device device, long seed)
    {
        using var g = new Generator((ulong)seed + 4000);
        var x = randn(new long[] { batch, features }, generator: g).to(device);
        x.DetachFromDisposeScope();
        return x;
    }

    /// <summary>
    /// The flow written directly: per block, in reverse, flip, masked linear layers linear(h, W ⊙ M, b) with ReLU
    /// between, shift and raw log-scale interleaved in the output ([..., D, 2]), log-scale
    /// log(softplus(raw + c) + 10⁻³) as <see cref="StableLogScale"/>, u = (z − shift)·exp(−s).
    /// </summary>
    private sealed class HandMaf : nn.Module<Tensor, Tensor>
    {
        // softplus(c) = 1 − 10⁻³, so raw = 0 gives scale 1 (the value Gen uses).
        private static readonly double Offset = Math.Log(Math.Exp(1 - StableLogScale.MinScale) - 1);
        private readonly ParameterList weights = new();
        private readonly ParameterList biases = new();
        private readonly Tensor[] masks;
        private readonly int blocks;
        private readonly int layers;
        private readonly long features;
        private readonly double halfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

        public HandMaf(FlowModel compiled, long features) : base("hand_maf")
        {
            this.features = features;
            var mades = CompiledParts.Steps<Made>(compiled, "made");
            blocks = mades.Length;
            layers = mades[0].Layers.Count;
            using (no_grad())
            {
                foreach (var layer in mades.SelectMany(m => m.Layers))
                {
                    weights.Add(CompiledParts.Copy(layer.Weight));
                    biases.Add(CompiledParts.Copy(layer.Bias));
                }
            }

            masks = mades.SelectMany(m => m.Layers).Select(l => l.Mask.detach().clone()).ToArray();
            register_module("weights", weights);
            register_module("biases", biases);
            for (int i = 0; i < masks.Length; i++)
            {
                register_buffer($"mask{i}", masks[i]);
            }
        }

        public override Tensor forward(Tensor x)
        {
            var z = x;
            Tensor? logDet = null;
            for (int b = blocks - 1; b >= 0; b--)
            {
                z = z.flip(-1);
                var h = z;
                for (int l = 0; l < layers; l++)
                {
                    int i = b * layers + l;
                    h = nn.functional.linear(h, weights[i] * masks[i], biases[i]);
                    if (l < layers - 1)
                    {
                        h = nn.functional.relu(h);
                    }
                }

                h = h.view(-1, features, 2);
                var shift = h.select(-1, 0);
                var s = (nn.functional.softplus(h.select(-1, 1) + Offset) + StableLogScale.MinScale).log();
                z = (z - shift) * (-s).exp();
                logDet = logDet is null ? -s.sum(-1) : logDet - s.sum(-1);
            }

            return (-0.5 * z * z - halfLogTwoPi).sum(-1) + logDet!;
        }
    }
}
