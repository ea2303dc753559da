using System;
using System.Linq;
using Gen.Dsl;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gen.Bench;

/// <summary>
/// A DCGAN on 1x28x28 images (Radford et al. 2016): the generator a linear layer to 2F maps of 7x7, batch norm and ReLU,
/// a 4x4 stride-2 transposed convolution to F maps of 14x14, batch norm and ReLU, and one to the image with tanh; the
/// discriminator 4x4 stride-2 convolutions to F and 2F maps with leaky ReLUs (0.2) and a linear layer to the logit.
/// A step is one round of the non-saturating game on a fixed real batch: a discriminator update against fresh samples,
/// then a generator update on fresh latents, each player with its own Adam (2e-4, β = (0.5, 0.999)), both losses read
/// back as a training loop logs them. The hand-written twin copies the compiled model's weights and draws its latents
/// from an identically seeded generator in the same order, so the two compute the same losses. Its convolutions go
/// through <see cref="Gen.Runtime.Convolutions"/>, as Gen's do and as TorchSharp code must on CPUs where oneDNN's
/// weight reorder is defective; with <c>rawConvolutions</c> it calls TorchSharp's layers directly instead (which on
/// such a CPU can compute wrong numbers), to show what that costs.
/// </summary>
internal static class GanCases
{
    private const int Latent = 64;

    public static SpeedCase Create(string name, int filters, int batch, bool rawConvolutions = false) => new(
        name,
        $"DCGAN 1x28x28, latent {Latent}, {filters}-{2 * filters} maps, non-saturating, batch {batch}{(rawConvolutions ? "; the twin's convolutions are TorchSharp's layers, unpadded" : "")}",
        batch,
        null,
        (device, seed) => GenStep(filters, batch, device, seed),
        (device, seed) => HandStep(filters, batch, device, seed, rawConvolutions))
    {
        TwoPlayers = true,
    };

    private static GanSpec Spec(int filters) => Adversarial.DcGan(Latent, 1, 28, 28, filters);

    private static TrainStep GenStep(int filters, int batch, torch.Device device, long seed)
    {
        var model = Spec(filters).Compile(device, float32, seed);
        model.CheckValues = false;
        var (real, probe) = Inputs(batch, device, seed);
        var g = new FusedAdam(model.GeneratorParameters(), 2e-4, 0.5, 0.999);
        var d = new FusedAdam(model.DiscriminatorParameters(), 2e-4, 0.5, 0.999);
        var trainer = new GanTrainer(model, Objective.NonSaturating, 1, g, d);
        var draws = Seed.Generator(seed + 4000);
        return TrainStep.Round(model, new Owned(trainer, g, d), () => trainer.Step(() => new GanBatch(real), draws), () => Loss(model.Discriminate(real), model.Discriminate(model.Generate(probe))));
    }

    private static TrainStep HandStep(int filters, int batch, torch.Device device, long seed, bool raw)
    {
        using var reference = Spec(filters).Compile(device, float32, seed);
        var model = new HandGan(reference, filters, raw);
        var (real, probe) = Inputs(batch, device, seed);
        var g = optim.Adam(model.Generator, lr: 2e-4, beta1: 0.5, beta2: 0.999);
        var d = optim.Adam(model.Discriminator, lr: 2e-4, beta1: 0.5, beta2: 0.999);
        var draws = Seed.Generator(seed + 4000);
        void Round()
        {
            // The discriminator against samples drawn without gradient to the generator.
            Tensor fake;
            using (no_grad())
            {
                fake = model.Generate(DeviceRandom.Normal(new long[] { batch, Latent }, float32, device, draws));
            }

            var dLoss = Loss(model.Discriminate(real), model.Discriminate(fake));
            model.Discriminator.ForEach(p => p.grad = null);
            dLoss.backward();
            d.step();
            model.Discriminator.ForEach(p => p.grad = null);
            // The generator through the discriminator, whose weights take no gradient here.
            model.Discriminator.ForEach(p => p.requires_grad = false);
            var gLoss = nn.functional.softplus(-model.Discriminate(model.Generate(DeviceRandom.Normal(new long[] { batch, Latent }, float32, device, draws)))).mean();
            model.Discriminator.ForEach(p => p.requires_grad = true);
            model.Generator.ForEach(p => p.grad = null);
            gLoss.backward();
            g.step();
            _ = dLoss.item<float>() + gLoss.item<float>();
        }

        return TrainStep.Round(model, new Owned(g, d), Round, () => Loss(model.Discriminate(real), model.Discriminate(model.Generate(probe))));
    }

    // −E log σ(D(x)) − E log(1 − σ(D(G(z)))).
    private static Tensor Loss(Tensor realLogits, Tensor fakeLogits) =>
        nn.functional.softplus(-realLogits).mean() + nn.functional.softplus(fakeLogits).mean();

    // A fixed batch of images in [−1, 1] and fixed latents for the loss check.
    private static (Tensor Real, Tensor Probe) Inputs(int batch, torch.Device device, long seed)
    {
        using var g = new Generator((ulong)seed + 3000);
        var real = (rand(new long[] { batch, 1, 28, 28 }, generator: g) * 2 - 1).to(device);
        var probe = randn(new long[] { batch, Latent }, generator: g).to(device);
        real.DetachFromDisposeScope();
        probe.DetachFromDisposeScope();
        return (real, probe);
    }

    /// <summary>Disposes several things as one.</summary>
    private sealed class Owned(params IDisposable[] parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var part in parts.Reverse())
            {
                part.Dispose();
            }
        }
    }

    /// <summary>The same DCGAN written with TorchSharp's layers.</summary>
    private sealed class HandGan : nn.Module<Tensor, Tensor>
    {
        private readonly Linear input;
        private readonly BatchNorm2d norm0;
        private readonly ConvTranspose2d deconv0;
        private readonly BatchNorm2d norm1;
        private readonly ConvTranspose2d deconv1;
        private readonly Conv2d conv0;
        private readonly Conv2d conv1;
        private readonly Linear output;
        private readonly int filters;
        private readonly bool raw;

        public HandGan(GanModel reference, int filters, bool raw) : base("hand_gan")
        {
            this.filters = filters;
            this.raw = raw;
            input = nn.Linear(Latent, 2L * filters * 7 * 7);
            norm0 = nn.BatchNorm2d(2L * filters);
            deconv0 = nn.ConvTranspose2d(2L * filters, filters, 4, stride: 2, padding: 1);
            norm1 = nn.BatchNorm2d(filters);
            deconv1 = nn.ConvTranspose2d(filters, 1, 4, stride: 2, padding: 1);
            conv0 = nn.Conv2d(1, filters, 4, stride: 2, padding: 1);
            conv1 = nn.Conv2d(filters, 2L * filters, 4, stride: 2, padding: 1);
            output = nn.Linear(2L * filters * 7 * 7, 1);
            RegisterComponents();
            var from = reference.state_dict();
            var to = state_dict();
            string[] names =
            {
                "input.weight:generator.input.weight", "input.bias:generator.input.bias",
                "norm0.weight:generator.norm.0.weight", "norm0.bias:generator.norm.0.bias",
                "deconv0.weight:generator.deconv.0.weight", "deconv0.bias:generator.deconv.0.bias",
                "norm1.weight:generator.norm.1.weight", "norm1.bias:generator.norm.1.bias",
                "deconv1.weight:generator.deconv.1.weight", "deconv1.bias:generator.deconv.1.bias",
                "conv0.weight:discriminator.network.conv.0.weight", "conv0.bias:discriminator.network.conv.0.bias",
                "conv1.weight:discriminator.network.conv.1.weight", "conv1.bias:discriminator.network.conv.1.bias",
                "output.weight:discriminator.network.output.weight", "output.bias:discriminator.network.output.bias",
            };
            using var noGrad = no_grad();
            foreach (var pair in names)
            {
                var (mine, theirs) = (pair.Split(':')[0], pair.Split(':')[1]);
                to[mine].copy_(from[theirs]);
            }

            Generator = new[] { input, (nn.Module)norm0, deconv0, norm1, deconv1 }.SelectMany(m => m.parameters()).ToList();
            Discriminator = new nn.Module[] { conv0, conv1, output }.SelectMany(m => m.parameters()).ToList();
        }

        public System.Collections.Generic.List<Parameter> Generator { get; }

        public System.Collections.Generic.List<Parameter> Discriminator { get; }

        public Tensor Generate(Tensor z)
        {
            var h = nn.functional.relu(norm0.forward(input.forward(z).reshape(-1, 2L * filters, 7, 7)));
            h = nn.functional.relu(norm1.forward(Apply(deconv0, h)));
            return Apply(deconv1, h).tanh();
        }

        public Tensor Discriminate(Tensor x)
        {
            var h = nn.functional.leaky_relu(Apply(conv0, x), 0.2);
            h = nn.functional.leaky_relu(Apply(conv1, h), 0.2);
            return output.forward(h.flatten(1)).squeeze(-1);
        }

        public override Tensor forward(Tensor z) => Generate(z);

        private Tensor Apply(Conv2d layer, Tensor x) => raw ? layer.forward(x) : Gen.Runtime.Convolutions.Apply(layer, x);

        private Tensor Apply(ConvTranspose2d layer, Tensor x) => raw ? layer.forward(x) : Gen.Runtime.Convolutions.Apply(layer, x);
    }
}
