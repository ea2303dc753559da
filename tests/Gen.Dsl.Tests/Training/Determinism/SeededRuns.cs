using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Dsl.Tests.Training.Determinism;

/// <summary>
/// Short seeded training runs on the 8×8 digits, one per model family, each reduced to the exact bits of its losses
/// and of a digest of its final weights. The same seed must give the same bits in one process and in another.
/// Channel counts are deliberately not multiples of 8 or 16, where libtorch's blocked CPU convolutions read memory
/// nobody wrote (see <c>Gen.Runtime.Convolutions</c>).
/// </summary>
internal static class SeededRuns
{
    private const int Steps = 6;
    private const long Batch = 48;

    /// <summary>The families, by name.</summary>
    public static readonly IReadOnlyDictionary<string, Func<string>> Families = new Dictionary<string, Func<string>>
    {
        ["conv_vae"] = () => Vae(Normalization.None),
        ["conv_vae_batch_norm"] = () => Vae(Normalization.Batch),
        ["conv_vae_layer_norm"] = () => Vae(Normalization.Layer),
        ["realnvp"] = () => ImageFlowRun(ImageFlow.RealNvp(1, 8, 8, scales: 2, hidden: 12, blocks: 1)),
        ["glow"] = () => ImageFlowRun(ImageFlow.Glow(1, 8, 8, levels: 2, stepsPerLevel: 2, hidden: 12)),
        ["image_flow_batch_norm"] = () => ImageFlowRun(NormalisedImageFlow(Normalization.Batch)),
        ["image_flow_layer_norm"] = () => ImageFlowRun(NormalisedImageFlow(Normalization.Layer)),
        ["pixel_cnn"] = PixelCnn,
        ["gated_pixel_cnn"] = GatedPixelCnn,
        ["mlp_flow_batch_norm"] = () => VectorFlow(Normalization.Batch),
        ["mlp_flow_layer_norm"] = () => VectorFlow(Normalization.Layer),
    };

    /// <summary>Runs every family and returns one line per family: its name, a space, its result.</summary>
    public static IEnumerable<string> All() => Families.Select(f => $"{f.Key} {f.Value()}");

    private static torch.Tensor Levels() => Digits.Load(Device.Cpu).Images.narrow(0, 0, 480).reshape(-1, 1, 8, 8);

    private static torch.Tensor Binary() => Levels().ge(8).to(torch.float32);

    private static string Vae(Normalization normalization)
    {
        var spec = Gen.Dsl.Latent.Vae(1, 8, 8, 4)
            .WithEncoder(Net.ConvEncoder(6, 12).WithKernel(3, 2).WithNormalization(normalization))
            .WithDecoder(Net.ConvDecoder(12, 6).WithKernel(3, 2).WithNormalization(normalization));
        using var model = spec.Compile(Device.Cpu, seed: 0);
        using var noise = Seed.Generator(1);
        return Train(model, Binary(), x => model.Loss(x, 0, noise));
    }

    private static FlowSpec NormalisedImageFlow(Normalization normalization) =>
        ImageFlow.Over(1, 8, 8)
            .Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(), Net.ConvResNet(12, 1).WithNormalization(normalization)))
            .Then(ImageBij.Squeeze())
            .Then(ImageBij.ActNorm())
            .Then(ImageBij.AffineCoupling(ImageMask.Channel(), Net.ConvResNet(12, 1).WithNormalization(normalization)));

    private static string ImageFlowRun(FlowSpec spec)
    {
        using var model = spec.WithPreprocessing(ImagePreprocessing.Logit(Digits.MaxValue + 1, 0.05)).Compile(Device.Cpu, seed: 0);
        using var noise = Seed.Generator(1);
        return Train(model, Levels(), x => -model.LogProbDequantized(x, noise).mean());
    }

    private static string PixelCnn()
    {
        using var model = Autoregressive.PixelCnn(1, 8, 8).WithFilters(12).WithResidualBlocks(1).Compile(Device.Cpu, seed: 0);
        return Train(model, Binary(), x => -model.LogProb(x).mean());
    }

    private static string GatedPixelCnn()
    {
        using var model = Autoregressive.GatedPixelCnn(1, 8, 8).WithFilters(6).WithLayers(2).Compile(Device.Cpu, seed: 0);
        return Train(model, Binary(), x => -model.LogProb(x).mean());
    }

    private static string VectorFlow(Normalization normalization)
    {
        var spec = Flow.Over(Dist.StandardNormal(64))
            .Then(Bij.AffineCoupling(Mask.Alternating(64), Net.Mlp(40).WithNormalization(normalization)))
            .Then(Bij.Reverse())
            .Repeat(2);
        using var model = spec.Compile(Device.Cpu, seed: 0);
        using var noise = Seed.Generator(1);
        var x = Levels().reshape(-1, 64);
        return Train(model, x, batch => -model.LogProb((batch + torch.rand(batch.shape, generator: noise)) / 17f).mean());
    }

    /// <summary>
    /// Adam steps on seeded minibatches; returns the losses' bits and the bits of the sum of every final weight, both
    /// as hexadecimal, so that equal strings mean bit-identical runs.
    /// </summary>
    private static string Train(torch.nn.Module model, torch.Tensor data, Func<torch.Tensor, torch.Tensor> loss)
    {
        using var optimizer = new FusedAdam(model.parameters(), 3e-3);
        using var rows = Seed.Generator(2);
        var bits = new List<string>();
        for (int step = 0; step < Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = data.index_select(0, DeviceRandom.Integers(data.shape[0], new[] { Batch }, Device.Cpu, rows));
            var value = loss(batch);
            optimizer.ZeroGrad();
            value.backward();
            optimizer.Step();
            bits.Add(Hex(value.item<float>()));
        }

        using (torch.no_grad())
        {
            double digest = model.parameters().Sum(p => p.to(torch.float64).sum().item<double>());
            bits.Add(BitConverter.DoubleToInt64Bits(digest).ToString("x16", CultureInfo.InvariantCulture));
        }

        return string.Join(",", bits);
    }

    private static string Hex(float value) => BitConverter.SingleToInt32Bits(value).ToString("x8", CultureInfo.InvariantCulture);
}
