using System;
using System.IO;
using System.Threading;
using Gen.Dsl.Tests.Training;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>
/// A GAN run stopped at any point and resumed from its folder ends where the run that never stopped ends: both players'
/// optimizer states, the phase of a lazy penalty, the stream of latents and the generator's noise all go on.
/// </summary>
public sealed class GanResumeTests
{
    private sealed class CancelAt : IProgress<TrainingProgress>
    {
        private readonly long step;
        private readonly CancellationTokenSource source;

        public CancelAt(long step, CancellationTokenSource source) => (this.step, this.source) = (step, source);

        public void Report(TrainingProgress value)
        {
            if (value.Step == step)
            {
                source.Cancel();
            }
        }
    }

    // A style-based GAN (noise inputs) with a lazy R1 penalty and a moving average, on the 8x8 digits scaled to [-1, 1].
    private static (TrainingResult Result, double[] Weights, long CriticUpdates) Run(string folder, long? cancelAt = null)
    {
        var (train, _) = ResumeTests.Digits64();
        var images = (train.narrow(0, 0, 256).reshape(-1, 1, 8, 8) * 2) - 1;
        var spec = Adversarial.StyleGan(4, 1, 8, 8, filters: 4).WithGeneratorAverage(0.9);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 1);
        using var g = new FusedAdam(model.GeneratorParameters(), 2e-3, 0, 0.99);
        using var d = new FusedAdam(model.DiscriminatorParameters(), 1e-3, 0, 0.99);
        var options = new TrainingOptions { Epochs = 4, BatchSize = 32, Seed = 3, ProgressEvery = 1, ResumeDirectory = folder };
        using var trainer = new GanTrainer(model, Objective.NonSaturating + Penalty.R1.Every(3), 1, g, d, options);
        using var cancel = new CancellationTokenSource();
        var result = trainer.Fit(images, progress: new CancelAt(cancelAt ?? -1, cancel), cancellation: cancel.Token);
        return (result, ResumeTests.Weights(model), trainer.Adversary.CriticUpdates);
    }

    [Fact]
    public void A_gan_run_killed_mid_epoch_resumes_to_the_weights_of_the_run_that_never_stopped()
    {
        var whole = Run(ResumeTests.NewFolder());
        var folder = ResumeTests.NewFolder();
        // 256 images in batches of 32: 8 rounds per epoch, so round 13 is in the second epoch.
        Assert.Throws<OperationCanceledException>(() => Run(folder, cancelAt: 13));
        Assert.StartsWith("epoch-000001", File.ReadAllText(Path.Combine(folder, "latest")), StringComparison.Ordinal);
        var resumed = Run(folder);

        // 4 epochs of 8 rounds, and the round whose loss confirms the last epoch's weights.
        Assert.Equal(33, whole.CriticUpdates);
        Assert.Equal(whole.CriticUpdates, resumed.CriticUpdates);
        Assert.Equal(whole.Result.TrainingLoss, resumed.Result.TrainingLoss);
        Assert.Equal(whole.Weights, resumed.Weights);
    }
}
