using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Dsl;
using TorchSharp;

namespace Gen.Bench;

/// <summary>Every case the benchmark knows, and which of them each group of the report runs.</summary>
internal static class Catalog
{
    /// <summary>The speed cases (Gen against hand-written TorchSharp), by name.</summary>
    public static readonly IReadOnlyList<SpeedCase> Speed = new[]
    {
        RealNvpCases.Create("realnvp2d-b256", features: 2, couplings: 8, hidden: 64, batch: 256),
        RealNvpCases.Create("realnvp784-b100", features: 784, couplings: 8, hidden: 1024, batch: 100),
        RealNvpCases.Create("realnvp784-b1000", features: 784, couplings: 8, hidden: 1024, batch: 1000),
        // Host time (the report's host table): kernels on 4 features are so small that what is left is the cost of
        // issuing them, which is what a GPU step of a small model pays on the CPU side.
        RealNvpCases.Create("realnvp4-b2", features: 4, couplings: 8, hidden: 4, batch: 2),
        MadeCases.Create("made784-b100", features: 784, hidden: new[] { 500, 500 }, batch: 100),
        MadeCases.Create("made784-b1000", features: 784, hidden: new[] { 500, 500 }, batch: 1000),
        // What the per-call binary-data check costs (not in the report; compare with made784-b100 and -b1000).
        MadeCases.Create("made784-b100-unchecked", features: 784, hidden: new[] { 500, 500 }, batch: 100, checkValues: false),
        MadeCases.Create("made784-b1000-unchecked", features: 784, hidden: new[] { 500, 500 }, batch: 1000, checkValues: false),
        MafCases.Create("maf784-b100", features: 784, blocks: 5, hidden: 1024, batch: 100),
        MafCases.Create("maf784-b1000", features: 784, blocks: 5, hidden: 1024, batch: 1000),
        PixelCnnCases.Create("pixelcnn28-small-b64", filters: 32, blocks: 2, batch: 64),
        PixelCnnCases.Create("pixelcnn28-b256", filters: 256, blocks: 8, batch: 256),
        VaeCases.Create("vae784-b100", features: 784, hidden: new[] { 500, 500 }, latent: 50, batch: 100),
        VaeCases.Create("vae784-b1000", features: 784, hidden: new[] { 500, 500 }, latent: 50, batch: 1000),
        GanCases.Create("dcgan28-b64", filters: 64, batch: 64),
        // What the twin costs with TorchSharp's own convolution layers (not in the report; they skip the padding that
        // keeps oneDNN's weight reorder correct on some CPUs).
        GanCases.Create("dcgan28-b64-raw-conv", filters: 64, batch: 64, rawConvolutions: true),
    };

    /// <summary>The cases the report times: each model of the project's benchmark at batch 100 and 1000.</summary>
    public static readonly IReadOnlyList<string> Report = new[]
    {
        "realnvp784-b100", "realnvp784-b1000",
        "made784-b100", "made784-b1000",
        "maf784-b100", "maf784-b1000",
        "vae784-b100", "vae784-b1000",
        "dcgan28-b64",
    };

    /// <summary>The cases of the report's host-overhead table: steps whose arithmetic is negligible.</summary>
    public static readonly IReadOnlyList<string> Host = new[] { "realnvp4-b2", "realnvp2d-b256" };

    /// <summary>
    /// The cases whose memory the report follows over a long run: a flow (couplings, permutations, the chain, the
    /// base distribution) and an autoregressive model, both quick enough for ten thousand steps.
    /// </summary>
    public static readonly IReadOnlyList<string> Memory = new[] { "realnvp2d-b256", "made784-b100" };

    /// <summary>The speed case called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No case has that name (the message lists them).</exception>
    public static SpeedCase Find(string name) =>
        Speed.FirstOrDefault(c => c.Name == name)
        ?? throw new KeyNotFoundException($"unknown case '{name}'; known: {string.Join(", ", Speed.Select(c => c.Name))}");

    /// <summary>
    /// The sampling cases. Models that draw one feature per pass get smaller batches in the quick mode: a MAF draw
    /// of 784 features is 5·784 passes of a 784-1024-1024 MADE.
    /// </summary>
    public static IReadOnlyList<SamplingCase> Sampling(bool quick) => new[]
    {
        new SamplingCase("maf784", "MAF, 784 dims, 5 blocks of MADE 784-1024-1024", "one pass per block in 784 steps (each unit once)", 100, Sequential: true,
            (device, seed) => Flow(MafCases.Spec(784, 5, 1024), device, seed)),
        new SamplingCase("iaf784", "IAF, 784 dims, 5 blocks of MADE 784-1024-1024", "one pass per block", 1000, Sequential: false,
            (device, seed) => Flow(IafSpec(784, 5, 1024), device, seed)),
        new SamplingCase("realnvp784", "RealNVP, 784 dims, 8 couplings, MLP 1024-1024", "one pass per coupling", 1000, Sequential: false,
            (device, seed) => Flow(RealNvpCases.Spec(784, 8, 1024), device, seed)),
        new SamplingCase("made784", "MADE 784-500-500-784 Bernoulli, ancestral", "one pass in 784 steps (each unit once)", 100, Sequential: true,
            (device, seed) =>
            {
                var m = Autoregressive.Made(784, 500, 500).Compile(device, torch.float32, seed);
                return new Sampler(m, m.Sample);
            }),
        new SamplingCase("made784-full-passes", "MADE 784-500-500-784 Bernoulli, ancestral by hand: Logits of the whole network per feature", "784 passes (one per feature)", quick ? 10 : 100, Sequential: true,
            (device, seed) =>
            {
                var m = Autoregressive.Made(784, 500, 500).Compile(device, torch.float32, seed);
                return new Sampler(m, (count, g) => FullPasses(m, count, g));
            }),
        new SamplingCase("nade784", "NADE 784-500 Bernoulli, ancestral", "one pass in 784 steps (one hidden column added per feature)", 100, Sequential: true,
            (device, seed) =>
            {
                var m = Autoregressive.Nade(784, 500).Compile(device, torch.float32, seed);
                return new Sampler(m, m.Sample);
            }),
        new SamplingCase("nade784-full-passes", "NADE 784-500 Bernoulli, ancestral by hand: Logits of the whole network per feature", "784 passes (one per feature)", quick ? 10 : 100, Sequential: true,
            (device, seed) =>
            {
                var m = Autoregressive.Nade(784, 500).Compile(device, torch.float32, seed);
                return new Sampler(m, (count, g) => FullPasses(m, count, g));
            }),
        new SamplingCase("pixelcnn28-small", "PixelCNN 1x28x28 Bernoulli, 32 filters, 2 residual blocks", "one pass in 784 pixel steps (each layer once per pixel)", 64, Sequential: true,
            (device, seed) =>
            {
                var m = SmallPixelCnn(device, seed);
                return new Sampler(m, m.Sample);
            }),
        new SamplingCase("pixelcnn28-small-full-passes", "PixelCNN 1x28x28 Bernoulli, 32 filters, 2 residual blocks, ancestral by hand: HeadParameters of the whole image per pixel", "784 passes (one per pixel)", quick ? 8 : 64, Sequential: true,
            (device, seed) =>
            {
                var m = SmallPixelCnn(device, seed);
                return new Sampler(m, (count, g) => FullPasses(m.HeadParameters, count, g, m.parameters().First().device));
            }),
        new SamplingCase("gated-pixelcnn28", "Gated PixelCNN 1x28x28 Bernoulli, 32 filters, 5 layers", "one pass in 784 pixel steps (vertical stack a row at a time)", 64, Sequential: true,
            (device, seed) =>
            {
                var m = GatedPixelCnn(device, seed);
                return new Sampler(m, m.Sample);
            }),
        new SamplingCase("gated-pixelcnn28-full-passes", "Gated PixelCNN 1x28x28 Bernoulli, 32 filters, 5 layers, ancestral by hand: HeadParameters of the whole image per pixel", "784 passes (one per pixel)", quick ? 8 : 64, Sequential: true,
            (device, seed) =>
            {
                var m = GatedPixelCnn(device, seed);
                return new Sampler(m, (count, g) => FullPasses(x => m.HeadParameters(x), count, g, m.parameters().First().device));
            }),
    };

    private static PixelCnnModel SmallPixelCnn(torch.Device device, long seed) =>
        Autoregressive.PixelCnn(1, 28, 28).WithFilters(32).WithResidualBlocks(2).Compile(device, torch.float32, seed);

    private static GatedPixelCnnModel GatedPixelCnn(torch.Device device, long seed) =>
        Autoregressive.GatedPixelCnn(1, 28, 28).WithFilters(32).WithLayers(5).Compile(device, torch.float32, seed);

    // Plain ancestral sampling of a binary pixel model through its public HeadParameters: the whole network over the
    // whole image for every pixel, as the models sampled before they had a sampling pass.
    private static torch.Tensor FullPasses(Func<torch.Tensor, torch.Tensor> headParameters, long count, torch.Generator? g, torch.Device device)
    {
        using var noGrad = torch.no_grad();
        var x = torch.zeros(new[] { count, 1, 28, 28 }, device: device);
        for (long i = 0; i < 28; i++)
        {
            for (long j = 0; j < 28; j++)
            {
                using var scope = torch.NewDisposeScope();
                var p = torch.sigmoid(headParameters(x).select(3, j).select(2, i).select(1, 0).squeeze(-1));
                x.select(3, j).select(2, i).select(1, 0).copy_(DeviceRandom.Uniform(p.shape, p.dtype, p.device, g).lt(p).to(p.dtype));
            }
        }

        return x;
    }

    // Plain ancestral sampling through the public API, the baseline of the sequential sampler: the whole network for
    // every feature.
    private static torch.Tensor FullPasses(AutoregressiveBinaryModel m, long count, torch.Generator? g)
    {
        using var noGrad = torch.no_grad();
        var x = torch.zeros(new[] { count, m.Features }, device: m.parameters().First().device);
        foreach (var feature in m.Order)
        {
            using var scope = torch.NewDisposeScope();
            var p = torch.sigmoid(m.Logits(x).select(1, feature));
            x.select(1, feature).copy_(DeviceRandom.Uniform(p.shape, p.dtype, p.device, g).lt(p).to(p.dtype));
        }

        return x;
    }

    /// <summary>The IAF counterpart of <see cref="MafCases.Spec"/>: sampling in one pass per block.</summary>
    public static FlowSpec IafSpec(int features, int blocks, int hidden) =>
        Gen.Dsl.Flow.Over(Dist.StandardNormal(features))
            .Then(Bij.InverseAutoregressive(hidden, hidden))
            .Then(Bij.Reverse())
            .Repeat(blocks);

    private static Sampler Flow(FlowSpec spec, torch.Device device, long seed)
    {
        var m = spec.Compile(device, torch.float32, seed);
        return new Sampler(m, m.Sample);
    }
}
