using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Training;

/// <summary>
/// A resumable run (<see cref="TrainingOptions.ResumeDirectory"/>) stopped at any point and resumed ends with the
/// weights, losses and best epoch of the run that never stopped, bit for bit on the CPU.
/// </summary>
public sealed class ResumeTests
{
    internal static string NewFolder() => Path.Combine(Path.GetTempPath(), "gen-resume-tests", Guid.NewGuid().ToString("N"));

    private sealed class CancelAt : IProgress<TrainingProgress>
    {
        private readonly long step;
        private readonly CancellationTokenSource source;

        public CancelAt(long step, CancellationTokenSource source) => (this.step, this.source) = (step, source);

        public int Reports { get; private set; }

        public void Report(TrainingProgress value)
        {
            Reports++;
            if (value.Step == step)
            {
                source.Cancel();
            }
        }
    }

    internal static (torch.Tensor Train, torch.Tensor Valid) Digits64()
    {
        var (train, valid) = TrainerTests.Digits();
        return (train.to(torch.float64), valid.to(torch.float64));
    }

    internal sealed record Outcome(TrainingResult Result, double[] Weights);

    internal static double[] Weights(torch.nn.Module model) =>
        model.parameters().SelectMany(p => p.detach().to_type(torch.float64).data<double>().ToArray()).ToArray();

    // A MADE on the 8x8 digits with FusedAdam, validation and patience; cancelled after `cancelAt` steps when given.
    private static Outcome Made(string folder, int epochs, long? cancelAt = null, int hidden = 48)
    {
        var (train, valid) = Digits64();
        using var model = Autoregressive.Made(64, hidden).Compile(Device.Cpu, torch.float64, seed: 5);
        using var adam = new FusedAdam(model.parameters(), 1e-2);
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(),
            new TrainingOptions { Epochs = epochs, BatchSize = 100, Seed = 7, Patience = 2, ProgressEvery = 1, ResumeDirectory = folder })
        {
            Validation = x => -model.LogProb(x),
        };
        using var cancel = new CancellationTokenSource();
        var progress = new CancelAt(cancelAt ?? -1, cancel);
        var result = trainer.Fit(train, valid, progress, cancel.Token);
        return new Outcome(result, Weights(model));
    }

    internal static void AssertSame(Outcome expected, Outcome actual)
    {
        Assert.Equal(expected.Result.TrainingLoss, actual.Result.TrainingLoss);
        Assert.Equal(expected.Result.ValidationLoss, actual.Result.ValidationLoss);
        Assert.Equal(expected.Result.BestEpoch, actual.Result.BestEpoch);
        Assert.Equal(expected.Result.Steps, actual.Result.Steps);
        Assert.Equal(expected.Result.StoppedBy?.ToString(), actual.Result.StoppedBy?.ToString());
        Assert.Equal(expected.Weights, actual.Weights);
    }

    [Fact]
    public void A_run_killed_mid_epoch_resumes_to_the_weights_and_history_of_the_run_that_never_stopped()
    {
        var whole = Made(NewFolder(), epochs: 8);
        var folder = NewFolder();
        // 1347 examples in batches of 100: 14 steps per epoch, so step 40 is in the third epoch.
        Assert.Throws<OperationCanceledException>(() => Made(folder, epochs: 8, cancelAt: 40));
        Assert.Equal("epoch-000002", File.ReadAllText(Path.Combine(folder, "latest"))[..12]);
        var resumed = Made(folder, epochs: 8);

        AssertSame(whole, resumed);
        Assert.True(whole.Result.Epochs >= 4, $"the run should outlast the interruption, it ran {whole.Result.Epochs} epochs");
        // One subfolder is kept: the one 'latest' names.
        Assert.Single(Directory.GetDirectories(folder));
    }

    [Fact]
    public void A_longer_run_goes_on_from_a_finished_one_and_a_finished_run_returns_at_once()
    {
        var whole = Made(NewFolder(), epochs: 6);
        var folder = NewFolder();
        var first = Made(folder, epochs: 3);
        Assert.Equal(3, first.Result.Epochs);
        var longer = Made(folder, epochs: 6);
        AssertSame(whole, longer);

        // Finished: no step is taken, and the model ends as the finished run did (its best epoch's weights).
        var again = Made(folder, epochs: 6);
        AssertSame(whole, again);
    }

    [Fact]
    public void An_interval_saves_only_when_it_has_passed_and_always_at_the_end()
    {
        var folder = NewFolder();
        var (train, _) = TrainerTests.Digits();
        using var model = Autoregressive.Made(64, 16).Compile(Device.Cpu, seed: 1);
        using var adam = new FusedAdam(model.parameters(), 1e-2);
        var saves = new List<string>();
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(),
            new TrainingOptions { Epochs = 3, ResumeDirectory = folder, ResumeInterval = TimeSpan.FromHours(1) })
        {
            AfterEpoch = (_, _) => saves.Add(File.Exists(Path.Combine(folder, "latest")) ? File.ReadAllText(Path.Combine(folder, "latest"))[..12] : "none"),
        };
        trainer.Fit(train);
        // The first epoch saves (nothing saved yet) once confirmed by the next step; the second is within the hour; the last saves.
        Assert.Equal(new[] { "none", "epoch-000001", "epoch-000001" }, saves);
        Assert.Equal("epoch-000003", File.ReadAllText(Path.Combine(folder, "latest"))[..12]);
    }

    [Fact]
    public void Another_model_or_a_damaged_record_is_refused_naming_the_file()
    {
        var folder = NewFolder();
        Made(folder, epochs: 2);
        var wrong = Assert.Throws<GenCheckpointException>(() => Made(folder, epochs: 3, hidden: 40));
        Assert.Equal(CheckpointError.WeightsMismatch, wrong.Error);
        Assert.Contains("state.ckpt", wrong.Message);

        var record = Directory.GetFiles(folder, "run.json", SearchOption.AllDirectories).Single();
        File.WriteAllText(record, File.ReadAllText(record).Replace("\"step\"", "\"steps\""));
        var damaged = Assert.Throws<GenCheckpointException>(() => Made(folder, epochs: 3));
        Assert.Contains("'step' is missing", damaged.Message);
        Assert.Contains("run.json", damaged.Message);
    }

    [Fact]
    public void FusedAdam_loads_a_state_into_itself_only_when_the_whole_state_fits()
    {
        using var a = torch.nn.Linear(3, 2);
        using var adam = new FusedAdam(a.parameters(), 1e-2);
        a.forward(torch.ones(4, 3)).sum().backward();
        adam.Step();
        using var saved = new MemoryStream();
        adam.SaveState(saved);

        using var b = torch.nn.Linear(3, 2);
        using var other = new FusedAdam(b.parameters(), 5e-3);
        saved.Position = 0;
        other.LoadState(saved);
        Assert.Equal(1e-2, other.LearningRate);
        using var again = new MemoryStream();
        other.SaveState(again);
        Assert.Equal(saved.ToArray(), again.ToArray());

        using var c = torch.nn.Linear(3, 2);
        using var betas = new FusedAdam(c.parameters(), 5e-3, beta1: 0.5);
        saved.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => betas.LoadState(saved));
        Assert.Contains("betas", e.Message);
        Assert.Equal(5e-3, betas.LearningRate);
    }
}

/// <summary>A resumed run draws from TorchSharp's global generator as the uninterrupted one did; runs alone, since other tests draw from it too.</summary>
[Collection(Checkpoints.GlobalGeneratorTests.Name)]
public sealed class ResumeGlobalGeneratorTests
{
    [Fact]
    public void The_numbers_drawn_by_the_loss_continue_where_they_stopped()
    {
        // A loss that draws from the global generator (pixel flips) and from a generator of its own (a noisy weight),
        // with a TorchSharp optimizer and no validation: every draw of the resumed run must match.
        ResumeTests.Outcome Run(string folder, int epochs)
        {
            var (train, _) = ResumeTests.Digits64();
            using var model = Autoregressive.Made(64, 32).Compile(Device.Cpu, torch.float64, seed: 6);
            var adam = torch.optim.Adam(model.parameters(), lr: 1e-2);
            using var own = Seed.Generator(11);
            torch.Tensor Loss(torch.Tensor x)
            {
                var flips = torch.rand_like(x).lt(0.05).to(x.dtype);
                var flipped = x + flips - 2 * x * flips;
                var weight = 1 + 0.1 * torch.rand(1, generator: own, dtype: x.dtype);
                return -(weight * model.LogProb(flipped)).mean();
            }

            var trainer = new Trainer(model, adam, Loss, new TrainingOptions { Epochs = epochs, BatchSize = 100, Seed = 3, ResumeDirectory = folder })
            {
                Generators = new[] { own },
            };
            Gen.Seed.Everything(21);
            var result = trainer.Fit(train);
            return new ResumeTests.Outcome(result, ResumeTests.Weights(model));
        }

        var whole = Run(ResumeTests.NewFolder(), 4);
        var folder = ResumeTests.NewFolder();
        Run(folder, 2);
        torch.rand(100); // the global generator moves on between the sessions, as in a new process
        var resumed = Run(folder, 4);
        ResumeTests.AssertSame(whole, resumed);
    }
}
