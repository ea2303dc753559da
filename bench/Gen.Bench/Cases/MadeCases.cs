using System;
using System.Linq;
using Gen.Dsl;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gen.Bench;

/// <summary>
/// MADE over binary vectors (Bernoulli outputs, ReLU, natural order, one mask), trained by maximum likelihood on a
/// fixed batch of random binary vectors. The hand-written version reuses the compiled model's masks, so the two
/// compute the same function from the same weights.
/// </summary>
internal static class MadeCases
{
    /// <summary>
    /// The case, as a <see cref="Trainer"/> runs it: the data set (here the batch) is checked once
    /// (<see cref="AutoregressiveBinaryModel.Accepts"/>) and each step's batch is marked as checked
    /// (<see cref="CheckedBatches"/>). With <paramref name="checkValues"/> false the model's per-call check is switched
    /// off instead (<see cref="AutoregressiveBinaryModel.CheckValues"/>), which the two must match.
    /// </summary>
    public static SpeedCase Create(string name, int features, int[] hidden, int batch, bool checkValues = true) => new(
        name,
        $"MADE {features}-{string.Join("-", hidden)}-{features} Bernoulli, batch {batch}{(checkValues ? "" : ", values unchecked")}",
        batch,
        FlopCount.Mlp(batch, hidden.Select(h => (long)h).Prepend(features).Append(features).ToArray(), inputGradient: false),
        (device, seed) =>
        {
            var model = Spec(features, hidden).Compile(device, float32, seed);
            model.CheckValues = checkValues;
            var x = Batch(features, batch, device, seed);
            if (!model.Accepts(x))
            {
                throw new InvalidOperationException("the benchmark's batch is not binary");
            }

            return TrainStep.WithFusedAdam(model, model.parameters(), () =>
            {
                using var marked = CheckedBatches.Trust(x);
                return model.LogProb(x);
            });
        },
        (device, seed) =>
        {
            using var reference = Spec(features, hidden).Compile(device, float32, seed);
            var model = new HandMade(reference.Network);
            var x = Batch(features, batch, device, seed);
            return TrainStep.WithTorchAdam(model, model.parameters(), () => model.forward(x));
        });

    private static MadeSpec Spec(int features, int[] hidden) => Autoregressive.Made(features, hidden);

    private static Tensor Batch(int features, int batch, torch.Device device, long seed)
    {
        using var g = new Generator((ulong)seed + 3000);
        var x = bernoulli(full(new long[] { batch, features }, 0.3f), generator: g).to(device);
        x.DetachFromDisposeScope();
        return x;
    }

    /// <summary>Masked linear layers written directly: linear(h, W ⊙ M, b), ReLU between, fused Bernoulli log-likelihood.</summary>
    private sealed class HandMade : nn.Module<Tensor, Tensor>
    {
        private readonly ParameterList weights = new();
        private readonly ParameterList biases = new();
        private readonly Tensor[] masks;

        public HandMade(Made made) : base("hand_made")
        {
            using var noGrad = no_grad();
            foreach (var layer in made.Layers)
            {
                weights.Add(new Parameter(layer.Weight.detach().clone()));
                biases.Add(new Parameter(layer.Bias.detach().clone()));
            }

            masks = made.Layers.Select(l => l.Mask.detach().clone()).ToArray();
            register_module("weights", weights);
            register_module("biases", biases);
            for (int i = 0; i < masks.Length; i++)
            {
                register_buffer($"mask{i}", masks[i]);
            }
        }

        public override Tensor forward(Tensor x)
        {
            var h = x;
            for (int i = 0; i < masks.Length; i++)
            {
                h = nn.functional.linear(h, weights[i] * masks[i], biases[i]);
                if (i < masks.Length - 1)
                {
                    h = nn.functional.relu(h);
                }
            }

            return -nn.functional.binary_cross_entropy_with_logits(h, x, reduction: nn.Reduction.None).sum(-1);
        }
    }
}
