using System;
using System.Collections.Generic;
using System.Globalization;
using Gen.Dsl;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// The families without a tractable likelihood on MNIST and Fashion-MNIST: a joint energy model (its test accuracy
/// and its samples), a generative moment-matching network and a noise-conditional score network (their samples), each
/// trained for the budget's wall time; samples are scored by the sample-quality metrics of <see cref="SampleQualityCases"/>.
/// </summary>
internal static class BeyondLikelihoodCases
{
    private static TrainingOptions Budget(QualityContext c, int batch) =>
        new() { Epochs = 10_000, BatchSize = batch, Seed = 1, TimeLimit = TimeSpan.FromSeconds(c.Seconds), CheckFiniteEvery = 100, ProgressEvery = 1000 };

    private static string Trained(QualityContext c, TrainingResult result, int batch, string optimizer) =>
        string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalSeconds:F0} s of training ({result.Epochs} epochs, the last partial; {result.Steps} steps), batch {batch}, {optimizer}, on {c.Machine}");

    /// <summary>
    /// JEM (Grathwohl et al. 2020) with an MLP 256-256 (SiLU) to 10 logits on the images scaled to [−1, 1]:
    /// cross-entropy plus contrastive divergence (regulariser 0.1) with 20-step Langevin chains at ε = 10⁻⁴,
    /// T = 5·10⁻⁵ (JEM's step 1 and noise 0.01) from a replay buffer of 10,000; Adam 10⁻³, batch 64. Rows: held-out
    /// accuracy, and the metrics of samples drawn by 200 Langevin steps from uniform noise.
    /// </summary>
    public static IEnumerable<QualityRow> Jem(QualityContext c, string data)
    {
        var (train, trainLabels, test, testLabels) = SampleQualityCases.Load(c, data);
        using var features = SampleQualityCases.Features(c, data, train, trainLabels, test, testLabels);
        var x = (train * 2) - 1;
        var spec = Energy.Over(784).WithNetwork(Net.Mlp(256, 256).WithActivation(Activation.Silu)).WithClasses(10);
        using var model = spec.Compile(c.Device, seed: 0);
        var sampler = new LangevinSampler(1e-4, 20) { Temperature = 5e-5 };
        using var buffer = new ReplayBuffer(new long[] { 784 }, capacity: 10_000, low: -1, high: 1);
        var objective = new JointEnergy(model, new ContrastiveDivergence(model.Energy, sampler, buffer, Regularization: 0.1), 1);
        using var chains = Seed.Generator(2);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        const int Batch = 64;
        var trainer = new Trainer(model, adam, rows => objective.Loss(x.index_select(0, rows), trainLabels.index_select(0, rows), chains), Budget(c, Batch))
        {
            Generators = new[] { chains },
        };
        var result = trainer.Fit(torch.arange(x.shape[0], device: x.device));
        model.eval();
        double accuracy = QualityContext.Mean(rows => model.Classify((rows.narrow(1, 0, 784) * 2) - 1).eq(rows.narrow(1, 784, 1).squeeze(1)).to(torch.float64),
            torch.cat(new[] { test, testLabels.unsqueeze(1).to(test.dtype) }, 1), 1000);
        string budget = Trained(c, result, Batch, "Adam lr 0.001");
        string dataset = SampleQualityCases.DatasetName(c, data);
        yield return new QualityRow($"jem-{data}", dataset, "test accuracy", accuracy, null, "-", spec.ToString(), budget,
            "JEM's classifier p(y | x) from the same logits as its energy; the features' classifier (cross-entropy alone) is in the floor row's note");
        using var samples = ((model.Sample(c.Quick ? 397 : SampleQualityCases.Count, sampler with { Steps = 200 }, generator: Seed.Generator(3)) + 1) / 2).clamp(0, 1);
        foreach (var row in SampleQualityCases.Rows(c, $"jem-{data}", data, features, test, samples, spec.ToString(), budget + "; samples: 200 Langevin steps from uniform noise"))
        {
            yield return row;
        }
    }

    /// <summary>
    /// A GMMN (Li et al. 2015): a generator MLP 64-256-256-1024 (ReLU) from 10 standard normal latents (the paper draws them uniform),
    /// trained by the unbiased MMD² to batches of 1000 images in [0, 1] under Gaussian kernels of widths 2, 5, 10, 20,
    /// 40 and 80 (the paper's bandwidths for MNIST); Adam 10⁻³.
    /// </summary>
    public static IEnumerable<QualityRow> Gmmn(QualityContext c, string data)
    {
        var (train, trainLabels, test, testLabels) = SampleQualityCases.Load(c, data);
        using var features = SampleQualityCases.Features(c, data, train, trainLabels, test, testLabels);
        var spec = Adversarial.Gan(latent: 10, data: 784).Generator(Net.Mlp(64, 256, 256, 1024));
        using var model = spec.Compile(c.Device, seed: 0);
        var kernel = Kernel.GaussianMixture(2, 5, 10, 20, 40, 80);
        using var draws = Seed.Generator(2);
        using var adam = new FusedAdam(model.GeneratorParameters(), 1e-3);
        const int Batch = 1000;
        var trainer = new Trainer(model, adam, Mmd.Loss(model, kernel, generator: draws), Budget(c, Batch)) { Generators = new[] { draws } };
        var result = trainer.Fit(train);
        model.eval();
        string architecture = spec.ToString().Split('\n')[0] + $"; trained by MMD² alone, kernel {kernel}";
        using var samples = model.Sample(c.Quick ? 397 : SampleQualityCases.Count, Seed.Generator(3)).clamp(0, 1);
        foreach (var row in SampleQualityCases.Rows(c, $"gmmn-{data}", data, features, test, samples, architecture, Trained(c, result, Batch, "Adam lr 0.001")))
        {
            yield return row;
        }
    }

    /// <summary>
    /// A noise-conditional score network (Song and Ermon 2019) over images in [0, 1]: s(x, σ) = MLP 1024-1024 (SiLU)
    /// over [x, log σ], divided by σ, for 10 levels geometric from 1 to 0.01 (the paper's), trained by denoising score
    /// matching; Adam 10⁻³, batch 128. Sampled by annealed Langevin dynamics (100 steps per level, ε = 2·10⁻⁵, the
    /// paper's) from uniform noise: 2000 chains, as 1000 steps of 10,000 would take longer than the training.
    /// </summary>
    public static IEnumerable<QualityRow> Score(QualityContext c, string data)
    {
        var (train, trainLabels, test, testLabels) = SampleQualityCases.Load(c, data);
        using var features = SampleQualityCases.Features(c, data, train, trainLabels, test, testLabels);
        var spec = Scores.NoiseConditional(784).WithNetwork(Net.Mlp(1024, 1024).WithActivation(Activation.Silu)).WithLevels(1.0, 0.01, 10);
        using var model = spec.Compile(c.Device, seed: 0);
        using var noise = Seed.Generator(2);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        const int Batch = 128;
        var trainer = new Trainer(model, adam, model.Loss(noise), Budget(c, Batch)) { Generators = new[] { noise } };
        var result = trainer.Fit(train);
        model.eval();
        int count = c.Quick ? 397 : 2000;
        using var samples = model.Sample(count, stepsPerLevel: 100, epsilon: 2e-5, generator: Seed.Generator(3)).clamp(0, 1);
        string architecture = spec.ToString();
        string budget = Trained(c, result, Batch, "Adam lr 0.001") + $"; samples: {count} annealed Langevin chains, 100 steps per level, ε = 2e-5";
        foreach (var row in SampleQualityCases.Rows(c, $"score-{data}", data, features, test, samples, architecture, budget))
        {
            yield return row;
        }
    }
}
