using System;
using System.IO;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>Small models of every family with weights moved away from their initial values, and data each can score.</summary>
internal static class CheckpointModels
{
    /// <summary>The families, by name, for theories.</summary>
    public static readonly string[] Families = { "flow", "made", "nade", "fvsbn", "pixel_cnn", "pixel_cnn_logistic", "gated_pixel_cnn", "vae", "vae_iaf", "vae_flow_prior", "vae_logistic", "rnn", "gan", "critic", "score" };

    public static FlowSpec FlowSpec() => Flow.Over(Dist.StandardNormal(4))
        .Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)))
        .Then(Bij.Reverse())
        .Then(Bij.SplineCoupling(Mask.Halves(4), Net.Mlp(8), bins: 4, bound: 3))
        .Then(Bij.MaskedAutoregressive(8).WithOrder(InputOrder.Random(1)))
        .Then(Bij.Permute(3))
        .Then(Bij.Affine())
        .Then(Bij.Planar())
        .Then(Bij.Radial());

    public static VaeSpec VaeSpec(int hidden = 8) =>
        Dsl.Latent.Vae(12, 2).WithEncoder(Net.Mlp(hidden)).WithDecoder(Net.Mlp(hidden)).WithPosteriorFlow(PosteriorFlowKind.Planar, 2);

    /// <summary>A compiled model of the family, with perturbed weights.</summary>
    public static torch.nn.Module Build(string family, torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        torch.nn.Module model = family switch
        {
            "flow" => FlowSpec().Compile(Device.Cpu, dtype, seed: 7),
            "made" => Autoregressive.Made(6, 16).WithOrder(InputOrder.Random(2)).WithMasks(3).Compile(Device.Cpu, dtype, seed: 7),
            "nade" => Autoregressive.Nade(6, 5).WithOrder(InputOrder.Reversed).Compile(Device.Cpu, dtype, seed: 7),
            "fvsbn" => Autoregressive.Fvsbn(6).WithOrder(InputOrder.Given(5, 3, 1, 0, 2, 4)).Compile(Device.Cpu, dtype, seed: 7),
            "pixel_cnn" => Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).WithResidualBlocks(1).Compile(Device.Cpu, dtype, seed: 7),
            "pixel_cnn_logistic" => Autoregressive.PixelCnn(3, 3, 3).WithFilters(6).WithResidualBlocks(1)
                .WithHead(PixelHead.DiscretizedLogisticMixture(2, 8)).Compile(Device.Cpu, dtype, seed: 7),
            "gated_pixel_cnn" => Autoregressive.GatedPixelCnn(1, 4, 4).WithFilters(2).WithLayers(2).WithClasses(3).Compile(Device.Cpu, dtype, seed: 7),
            "vae" => VaeSpec().Compile(Device.Cpu, dtype, seed: 7),
            "vae_iaf" => VaeSpec().WithPosteriorFlow(PosteriorFlowKind.InverseAutoregressive, 2).Compile(Device.Cpu, dtype, seed: 7),
            "vae_logistic" => Dsl.Latent.Vae(12, 2).WithEncoder(Net.Mlp(8)).WithDecoder(Net.Mlp(8)).WithLikelihood(Likelihood.DiscretizedLogistic(17)).Compile(Device.Cpu, dtype, seed: 7),
            "vae_flow_prior" => VaeSpec().WithPrior(Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(8))).Then(Bij.Reverse()).Repeat(2))
                .Compile(Device.Cpu, dtype, seed: 7),
            "rnn" => Autoregressive.Rnn(6, 5).WithLayers(2).WithOrder(InputOrder.Reversed).Compile(Device.Cpu, dtype, seed: 7),
            "gan" => Adversarial.Gan(3, 4).Generator(Net.Mlp(8)).Discriminator(Net.Mlp(8)).WithSpectralNorm().WithClasses(3).Compile(Device.Cpu, dtype, seed: 7),
            "critic" => Adversarial.Critic(4).WithNetwork(Net.Mlp(8, 8)).WithSpectralNorm().Compile(Device.Cpu, dtype, seed: 7),
            "score" => Scores.NoiseConditional(4).WithNetwork(Net.Mlp(8)).WithLevels(1, 0.1, 3).Compile(Device.Cpu, dtype, seed: 7),
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, null),
        };
        Perturb(model, 11);
        if (model is MadeModel made)
        {
            // In the middle of an order-agnostic cycle: the mask in use is part of what must come back.
            made.NextMask();
            made.NextMask();
        }

        return model;
    }

    /// <summary>Moves every parameter by N(0, 0.1²) noise, so that loaded weights cannot pass for initial ones.</summary>
    public static void Perturb(torch.nn.Module model, long seed)
    {
        using var generator = Seed.Generator(seed);
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters())
        {
            using var noise = torch.randn(p.shape, dtype: torch.float64, generator: generator);
            p.add_(noise.to(p.dtype, p.device) * 0.1);
        }
    }

    /// <summary>log p of a fixed batch the model can score (for the VAE, the importance-sampled estimate with a fixed generator).</summary>
    public static torch.Tensor LogProb(torch.nn.Module model)
    {
        var reference = model.parameters().First();
        using var g = Seed.Generator(5);
        torch.Tensor Binary(params long[] shape) => torch.bernoulli(torch.full(shape, 0.4, dtype: torch.float64), g).to(reference.dtype, reference.device);
        switch (model)
        {
            case FlowModel flow:
                return flow.LogProb(torch.randn(new long[] { 16, 4 }, dtype: torch.float64, generator: g).to(reference.dtype, reference.device));
            case AutoregressiveBinaryModel binary:
                return binary.LogProb(Binary(16, binary.Features));
            case PixelCnnModel pixel when pixel.Spec.Head is BernoulliHead:
                return pixel.LogProb(Binary(4, 1, 4, 4));
            case PixelCnnModel pixel:
                return pixel.LogProb(torch.randint(0, 8, new long[] { 4, 3, 3, 3 }, generator: g).to(reference.dtype, reference.device));
            case GatedPixelCnnModel gated:
                return gated.LogProb(Binary(4, 1, 4, 4), torch.tensor(new long[] { 0, 2, 1, 2 }, device: reference.device));
            case GanModel gan:
                {
                    // No density: the discriminator's logits and the generator's output on fixed inputs stand for it.
                    var labels = torch.tensor(new long[] { 0, 2, 1, 2 }, device: reference.device);
                    var z = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: g).to(reference.dtype, reference.device);
                    var x = torch.randn(new long[] { 4, 4 }, dtype: torch.float64, generator: g).to(reference.dtype, reference.device);
                    gan.eval();
                    return torch.cat(new[] { gan.Discriminate(x, labels), gan.Generate(z, labels).flatten() });
                }

            case CriticModel critic:
                // No density: the logits on a fixed batch stand for it.
                critic.eval();
                return critic.Logits(torch.randn(new long[] { 4, 4 }, dtype: torch.float64, generator: g).to(reference.dtype, reference.device));

            case ScoreModel score:
                // No density: the scores of a fixed batch at fixed levels stand for it.
                return score.Score(torch.randn(new long[] { 4, 4 }, dtype: torch.float64, generator: g).to(reference.dtype, reference.device), torch.tensor(new[] { 1.0, 0.5, 0.2, 0.1 }, reference.dtype, reference.device));

            case VaeModel vae:
                using (var samples = Seed.Generator(6))
                {
                    return vae.LogProb(Binary(8, 12), samples: 40, chunk: 20, generator: samples);
                }

            default:
                throw new ArgumentException(model.GetType().Name);
        }
    }

    /// <summary>Saves the model to a file of its own and returns the file's path.</summary>
    public static string SaveToNewFile(torch.nn.Module model)
    {
        var path = Path.Combine(Folder(), "model.ckpt");
        Model.Save(path, model);
        return path;
    }

    /// <summary>A fresh folder for one test's files.</summary>
    public static string Folder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gen-checkpoint-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Whether the tensors are equal bit for bit: same dtype, shape and bytes.</summary>
    public static bool Same(torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape)
            && a.detach().cpu().contiguous().bytes.SequenceEqual(b.detach().cpu().contiguous().bytes);
    }
}
