using System;
using System.Linq;
using Gen.Dsl;
using Gen;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gen.Bench;

/// <summary>
/// A VAE over binary vectors: MLP encoder to a diagonal-Normal posterior (scale = softplus + 10⁻⁶), one reparameterised
/// sample, MLP decoder to Bernoulli logits, the analytic KL to a standard-Normal prior; the step maximises the ELBO on a
/// fixed batch. The hand-written version copies the compiled model's weights and draws its noise from an identically
/// seeded generator, so the two compute the same losses.
/// </summary>
internal static class VaeCases
{
    public static SpeedCase Create(string name, int features, int[] hidden, int latent, int batch) => new(
        name,
        $"VAE {features}-{string.Join("-", hidden)}-{latent} Bernoulli, batch {batch}",
        batch,
        FlopCount.Mlp(batch, hidden.Select(h => (long)h).Prepend(features).Append(2L * latent).ToArray(), inputGradient: false)
            + FlopCount.Mlp(batch, hidden.Select(h => (long)h).Prepend(latent).Append(features).ToArray(), inputGradient: true),
        (device, seed) =>
        {
            var model = Spec(features, hidden, latent).Compile(device, float32, seed);
            var x = Batch(features, batch, device, seed);
            var noise = Seed.Generator(seed + 4000);
            if (!model.Accepts(x))
            {
                throw new InvalidOperationException("the benchmark's batch is not binary");
            }

            // As a Trainer runs it: the data checked once, each step's batch marked as checked.
            return TrainStep.WithFusedAdam(model, model.parameters(), () =>
            {
                using var marked = CheckedBatches.Trust(x);
                return model.Elbo(x, noise);
            });
        },
        (device, seed) =>
        {
            using var reference = Spec(features, hidden, latent).Compile(device, float32, seed);
            var model = new HandVae(reference, hidden.Length + 1, latent);
            var x = Batch(features, batch, device, seed);
            var noise = Seed.Generator(seed + 4000);
            return TrainStep.WithTorchAdam(model, model.parameters(), () => model.Elbo(x, noise));
        });

    private static VaeSpec Spec(int features, int[] hidden, int latent) =>
        Latent.Vae(features, latent).WithEncoder(Net.Mlp(hidden)).WithDecoder(Net.Mlp(hidden.Reverse().ToArray()));

    private static Tensor Batch(int features, int batch, torch.Device device, long seed)
    {
        using var g = new Generator((ulong)seed + 3000);
        var x = bernoulli(full(new long[] { batch, features }, 0.3f), generator: g).to(device);
        x.DetachFromDisposeScope();
        return x;
    }

    /// <summary>The same VAE written directly with linear layers and the closed-form KL.</summary>
    private sealed class HandVae : nn.Module<Tensor, Tensor>
    {
        private readonly ModuleList<Linear> encoder = new();
        private readonly ModuleList<Linear> decoder = new();
        private readonly int latent;

        public HandVae(VaeModel reference, int layers, int latent) : base("hand_vae")
        {
            this.latent = latent;
            var weights = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            using var noGrad = no_grad();
            foreach (var (list, prefix) in new[] { (encoder, "encoder"), (decoder, "decoder") })
            {
                // The reference's linear layers in order (its activations carry no parameters).
                var names = weights.Keys.Where(n => n.StartsWith(prefix + ".", System.StringComparison.Ordinal) && n.EndsWith(".weight", System.StringComparison.Ordinal)).ToArray();
                foreach (var w in names)
                {
                    var weight = weights[w];
                    var layer = nn.Linear(weight.shape[1], weight.shape[0]);
                    layer.weight!.copy_(weight);
                    layer.bias!.copy_(weights[w[..^"weight".Length] + "bias"]);
                    list.Add(layer);
                }
            }

            RegisterComponents();
        }

        public Tensor Elbo(Tensor x, Generator noise)
        {
            var h = Mlp(encoder, x);
            var loc = h.narrow(-1, 0, latent);
            var scale = nn.functional.softplus(h.narrow(-1, latent, latent)) + 1e-6;
            var z = loc + scale * DeviceRandom.Normal(loc.shape, loc.dtype, loc.device, noise);
            var logits = Mlp(decoder, z);
            var reconstruction = -nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.None).sum(-1);
            var kl = (0.5 * (scale.square() + loc.square() - 1) - scale.log()).sum(-1);
            return reconstruction - kl;
        }

        public override Tensor forward(Tensor x) => throw new System.NotSupportedException("use Elbo(x, noise)");

        private static Tensor Mlp(ModuleList<Linear> layers, Tensor x)
        {
            var h = x;
            for (int i = 0; i < layers.Count; i++)
            {
                h = layers[i].forward(h);
                if (i < layers.Count - 1)
                {
                    h = nn.functional.relu(h);
                }
            }

            return h;
        }
    }
}
