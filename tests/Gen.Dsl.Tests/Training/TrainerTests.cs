using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Training;

public sealed class TrainerTests
{
    internal static (torch.Tensor Train, torch.Tensor Valid) Digits()
    {
        var pixels = Gen.Data.Digits.Load(Device.Cpu).Images.ge(8).to(torch.float32);
        var split = DataSplit.Shuffled(pixels, 0.25, seed: 0);
        return (split.Train, split.Test);
    }

    private sealed class Collect : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = new();

        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    [Fact]
    public void A_made_trains_reports_progress_and_improves_its_validation_likelihood()
    {
        var (train, valid) = Digits();
        using var model = Autoregressive.Made(64, 128).Compile(Device.Cpu, seed: 0);
        using var adam = new FusedAdam(model.parameters(), 3e-3);
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 4, BatchSize = 100, ProgressEvery = 5 })
        {
            Validation = x => -model.LogProb(x),
        };
        var progress = new Collect();
        var result = trainer.Fit(train, valid, progress);

        Assert.Equal(4, result.Epochs);
        Assert.Equal(4 * 14, result.Steps); // 1347 examples in batches of 100
        Assert.Equal(4, result.ValidationLoss.Count);
        Assert.True(result.ValidationLoss[^1] < result.ValidationLoss[0] - 2, $"validation NLL {string.Join(", ", result.ValidationLoss)}");
        Assert.Equal(4, progress.Reports.Count(r => r.EndOfEpoch));
        Assert.All(progress.Reports, r => Assert.True(double.IsFinite(r.Loss) && r.ExamplesPerSecond > 0));
        var last = progress.Reports[^1];
        Assert.Equal(result.ValidationLoss[^1], last.ValidationLoss);
        Assert.Equal(result.Steps, last.Step);
    }

    [Fact]
    public void A_torchsharp_optimizer_goes_straight_into_the_trainer()
    {
        // As the top README's loop would suggest: torch.optim.Adam, no adapter written by hand.
        var (train, valid) = Digits();
        using var model = Autoregressive.Made(64, 128).Compile(Device.Cpu, seed: 0);
        var adam = torch.optim.Adam(model.parameters(), lr: 3e-3);
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 3, BatchSize = 100, LearningRate = s => s < 20 ? 3e-3 : 1e-3 })
        {
            Validation = x => -model.LogProb(x),
        };
        var result = trainer.Fit(train, valid);
        Assert.True(result.ValidationLoss[^1] < result.ValidationLoss[0] - 1, $"validation NLL {string.Join(", ", result.ValidationLoss)}");
        Assert.Equal(1e-3, adam.ParamGroups.First().LearningRate, 12); // the schedule reached the wrapped optimizer
    }

    [Fact]
    public void A_learning_rate_that_is_not_a_number_is_named_before_any_step()
    {
        var (train, _) = Digits();
        using var model = Autoregressive.Made(64, 16).Compile(Device.Cpu, seed: 0);
        var adam = torch.optim.Adam(model.parameters(), lr: double.NaN);
        var fromOptimizer = Assert.Throws<ArgumentException>(() => new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 1 }).Fit(train));
        Assert.Contains("the optimizer's learning rate is NaN", fromOptimizer.Message);

        using var fused = new FusedAdam(model.parameters(), 1e-3);
        var fromSchedule = Assert.Throws<ArgumentException>(() => new Trainer(model, fused, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 1, BatchSize = 100, LearningRate = s => s == 3 ? double.PositiveInfinity : 1e-3 }).Fit(train));
        Assert.Contains("TrainingOptions.LearningRate gave ∞ at step 3", fromSchedule.Message.Replace("Infinity", "∞"));
    }

    [Fact]
    public void Early_stopping_stops_and_puts_back_the_best_epoch()
    {
        // A large model on 60 examples overfits quickly; validation then worsens and training must stop.
        var (train, valid) = Digits();
        var small = train.narrow(0, 0, 60);
        using var model = Autoregressive.Made(64, 512, 512).Compile(Device.Cpu, seed: 1);
        using var adam = new FusedAdam(model.parameters(), 1e-2);
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 60, BatchSize = 20, Patience = 3 })
        {
            Validation = x => -model.LogProb(x),
        };
        var result = trainer.Fit(small, valid);
        Assert.True(result.StoppedEarly, $"ran {result.Epochs} epochs: {string.Join(", ", result.ValidationLoss.Select(v => v.ToString("F1")))}");
        Assert.Equal(result.ValidationLoss.Count - 3, result.BestEpoch);
        double restored;
        using (torch.no_grad())
        {
            restored = -model.LogProb(valid).mean().item<float>();
        }

        Assert.Equal(result.ValidationLoss.Min(), restored, 3);
    }

    [Fact]
    public void An_epoch_that_ends_on_a_reporting_step_reports_finite_figures_at_its_end()
    {
        var (train, _) = Digits();
        using var model = Autoregressive.Fvsbn(64).Compile(Device.Cpu, seed: 4);
        using var adam = new FusedAdam(model.parameters(), 1e-2);
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 2, BatchSize = 100, ProgressEvery = 7 });
        var progress = new Collect();
        trainer.Fit(train, progress: progress);

        // 14 steps per epoch: steps 7 and 14 report mid-epoch, and the end of the epoch reports right after step 14.
        var ends = progress.Reports.Where(r => r.EndOfEpoch).ToList();
        Assert.Equal(2, ends.Count);
        Assert.All(progress.Reports, r => Assert.True(double.IsFinite(r.Loss) && r.ExamplesPerSecond > 0, $"step {r.Step}: loss {r.Loss}, {r.ExamplesPerSecond}/s"));
        Assert.Equal(progress.Reports[progress.Reports.IndexOf(ends[0]) - 1].Loss, ends[0].Loss);
    }

    [Fact]
    public void Minibatches_can_come_from_any_source_such_as_fresh_draws_each_epoch()
    {
        // A 2-D flow trained on a stream: every epoch draws 12 new batches from the moons instead of reusing a tensor.
        using var model = Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(32))).Then(Bij.Reverse()).Repeat(3)
            .Compile(Device.Cpu, seed: 5);
        using var adam = new FusedAdam(model.parameters(), 1e-2);
        using var draws = Seed.Generator(6);
        var valid = ToyData.Sample(ToySet.Moons, 500, Device.Cpu, Seed.Generator(7));
        var seenEpochs = new List<int>();
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 6, BatchSize = 128, ProgressEvery = 5 })
        {
            Validation = x => -model.LogProb(x),
        };
        var progress = new Collect();
        var result = trainer.Fit(
            epoch =>
            {
                seenEpochs.Add(epoch);
                return Enumerable.Range(0, 12).Select(_ => ToyData.Sample(ToySet.Moons, 128, Device.Cpu, draws));
            },
            valid,
            progress);

        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, seenEpochs);
        Assert.Equal(6 * 12, result.Steps);
        // Over compile seeds 0 to 7 the validation NLL fell by 0.27 to 0.33 nats from the first epoch to the sixth.
        Assert.True(result.ValidationLoss[^1] < result.ValidationLoss[0] - 0.2, $"validation NLL {string.Join(", ", result.ValidationLoss.Select(v => v.ToString("F3")))}");
        // The length of the stream is unknown until its first epoch ends; then the total is estimated from it.
        var early = progress.Reports.Where(r => r.Epoch == 1 && !r.EndOfEpoch).ToList();
        Assert.Equal(2, early.Count); // steps 5 and 10
        Assert.All(early, r => Assert.Equal(0, r.TotalSteps));
        Assert.Equal(6 * 12, progress.Reports[^1].TotalSteps);

        var empty = Assert.Throws<ArgumentException>(() => trainer.Fit(_ => Array.Empty<torch.Tensor>()));
        Assert.Contains("epoch 1 gave no batches", empty.Message);
    }

    [Fact]
    public void A_time_limit_ends_training_mid_epoch_validates_and_keeps_the_best_epoch()
    {
        var (train, valid) = Digits();
        using var model = Autoregressive.Made(64, 64).Compile(Device.Cpu, seed: 3);
        using var adam = new FusedAdam(model.parameters(), 3e-3);
        long steps = 0;
        var limit = TimeSpan.FromSeconds(1);
        var trainer = new Trainer(model, adam, x =>
        {
            // Slow steps, so the limit falls inside the second epoch whatever the machine's speed.
            if (++steps > 14)
            {
                Thread.Sleep(500);
            }

            return -model.LogProb(x).mean();
        }, new TrainingOptions { Epochs = 1000, BatchSize = 100, TimeLimit = limit })
        {
            Validation = x => -model.LogProb(x),
        };
        var result = trainer.Fit(train, valid);

        Assert.True(result.ReachedTimeLimit);
        Assert.False(result.StoppedEarly);
        Assert.Equal(2, result.Epochs);
        Assert.InRange(result.Steps, 15, 27); // one full epoch of 14 steps, then at least one step of the second
        Assert.Equal(2, result.ValidationLoss.Count);
        Assert.True(result.Elapsed >= limit);
        Assert.Equal(result.ValidationLoss[0] <= result.ValidationLoss[1] ? 1 : 2, result.BestEpoch);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, adam, x => x.sum(), new TrainingOptions { TimeLimit = TimeSpan.Zero }));
    }

    [Fact]
    public void A_non_finite_term_stops_training_naming_the_step_and_term_and_restores_the_last_good_epoch()
    {
        var (train, _) = Digits();
        using var model = Autoregressive.Nade(64, 16).Compile(Device.Cpu, seed: 2);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        long calls = 0;
        var trainer = new Trainer(model, adam, x =>
        {
            var nll = -model.LogProb(x).mean();
            var kl = ++calls == 20 ? torch.tensor(float.NaN) : torch.zeros(1).squeeze();
            return new Loss(nll + kl, new[] { ("reconstruction", nll), ("kl", kl) });
        }, new TrainingOptions { Epochs = 3, BatchSize = 100 });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(train));
        Assert.Equal(20, e.Step);
        Assert.Equal("kl", e.Term);
        Assert.Equal(1, e.RestoredEpoch);
        Assert.Contains("step 20", e.Message);
        Assert.Contains("'kl'", e.Message);
        Assert.All(model.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Clipping_schedule_and_cancellation_are_honoured()
    {
        var (train, _) = Digits();
        using var model = Autoregressive.Fvsbn(64).Compile(Device.Cpu);
        var before = model.parameters().Select(p => p.detach().clone()).ToArray();
        using var sgd = new TorchOptimizer(torch.optim.SGD(model.parameters(), 1.0));
        var rates = new List<double>();
        var trainer = new Trainer(model, sgd, x => -model.LogProb(x).sum() * 1000, new TrainingOptions
        {
            Epochs = 1,
            BatchSize = (int)train.shape[0], // one step
            ClipGradientNorm = 1e-3,
            LearningRate = step => { rates.Add(0.5); return 0.5; },
        });
        trainer.Fit(train);
        // One SGD step of rate 0.5 on a gradient clipped to norm 1e-3 moves the parameters by at most 5e-4 in norm.
        double moved = Math.Sqrt(model.parameters().Zip(before).Sum(p => (p.First - p.Second).square().sum().item<float>()));
        Assert.True(moved > 0 && moved <= 5e-4 * 1.0001, $"moved {moved}");
        Assert.Equal(0.5, sgd.LearningRate);
        Assert.Single(rates);

        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(train, cancellation: cancel.Token));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, sgd, x => x.sum(), new TrainingOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => trainer.Fit(train, train));
    }

    [Fact]
    public void Live_tensors_stay_flat_over_many_steps()
    {
        var (train, valid) = Digits();
        using var model = Autoregressive.Made(64, 32).Compile(Device.Cpu, seed: 3);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, adam, x => new Loss(-model.LogProb(x).mean(), new[] { ("nll", -model.LogProb(x).mean()) }), new TrainingOptions { Epochs = 2, BatchSize = 50, ProgressEvery = 7 })
        {
            Validation = x => -model.LogProb(x),
        };
        var progress = new Collect();
        trainer.Fit(train, valid, progress);
        long afterShort = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trainer.Fit(train, valid, progress);
        trainer.Fit(train, valid, progress);
        long afterLong = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(afterLong <= afterShort, $"live tensors grew from {afterShort} to {afterLong}");
    }

    [Fact]
    public void Checkpoints_hold_the_best_epoch_and_survive_a_divergence()
    {
        var (train, valid) = Digits();
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gen-trainer-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var path = System.IO.Path.Combine(dir, "made.ckpt");
        using var model = Autoregressive.Made(64, 64).Compile(Device.Cpu, seed: 4);
        using var adam = new FusedAdam(model.parameters(), 3e-3);
        long calls = 0;
        bool poison = false;
        var trainer = new Trainer(model, adam, x => poison && ++calls > 3 ? torch.tensor(float.PositiveInfinity) + -model.LogProb(x).mean() : -model.LogProb(x).mean(),
            new TrainingOptions { Epochs = 3, BatchSize = 100, Patience = 2, CheckpointPath = path })
        {
            Validation = x => -model.LogProb(x),
        };
        var result = trainer.Fit(train, valid);
        using (var loaded = Model.Load<MadeModel>(path, Device.Cpu))
        using (torch.no_grad())
        {
            Assert.True(loaded.LogProb(valid).allclose(model.LogProb(valid), 0, 0), "the checkpoint must hold the parameters the model ends with");
            Assert.Equal(result.ValidationLoss.Min(), -loaded.LogProb(valid).mean().item<float>(), 3);
        }

        var before = System.IO.File.ReadAllBytes(path);
        poison = true;
        Assert.Throws<TrainingDivergedException>(() => trainer.Fit(train, valid));
        Assert.Equal(before, System.IO.File.ReadAllBytes(path));
        System.IO.Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Validation_runs_in_evaluation_mode_and_leaves_batch_statistics_alone()
    {
        // A network with batch normalisation: scored in training mode, each validation batch would be normalised by its
        // own statistics and folded into the running ones, which the best snapshot and checkpoints then carry.
        torch.manual_seed(3);
        using var model = torch.nn.Sequential(("linear", torch.nn.Linear(4, 4)), ("norm", torch.nn.BatchNorm1d(4)));
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        var modes = new List<bool>();
        var trainer = new Trainer(model, adam, x => model.forward(x).square().mean(), new TrainingOptions { Epochs = 1, BatchSize = 8 })
        {
            Validation = x =>
            {
                modes.Add(model.training);
                return model.forward(x).square().mean(new long[] { 1 });
            },
        };
        using var g = Seed.Generator(4);
        var train = torch.randn(new long[] { 32, 4 }, generator: g);
        var valid = torch.randn(new long[] { 16, 4 }, generator: g) * 10 + 5;
        var norm = (TorchSharp.Modules.BatchNorm1d)model.named_children().Single(c => c.name == "norm").module;
        trainer.Fit(train, valid);
        Assert.NotEmpty(modes);
        Assert.All(modes, m => Assert.False(m));
        Assert.True(model.training, "the model is back in training mode after validation");
        // Running statistics come from the training batches only (data near 0, not the validation data near 5).
        var runningMean = norm.running_mean!.abs().max().item<float>();
        Assert.True(runningMean < 1, $"running mean {runningMean} moved towards the validation data");
    }

    [Fact]
    public void A_validation_function_that_gives_a_batch_mean_is_refused()
    {
        var (train, valid) = Digits();
        using var model = Autoregressive.Made(64, 16).Compile(Device.Cpu, seed: 0);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 1, BatchSize = 100 })
        {
            Validation = x => -model.LogProb(x).mean(),
        };
        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit(train, valid));
        Assert.Contains("one loss per example", ex.Message);
        Assert.Contains("[100]", ex.Message);
    }

    [Fact]
    public void The_epoch_loss_is_the_mean_over_examples_whatever_the_last_batch_size()
    {
        // Batches of 2 over 5 values: the last batch holds one. The loss of a batch is the mean of its values (plus a
        // parameter term that is 0), so the epoch's loss must be the mean of all five values, not the mean of batch means.
        var data = torch.tensor(new double[] { 1, 2, 3, 4, 100 }).reshape(5, 1);
        using var model = torch.nn.Linear(1, 1, dtype: torch.float64);
        using var adam = new FusedAdam(model.parameters(), 0.0);
        var trainer = new Trainer(model, adam, x => x.mean() + 0 * model.forward(x).sum(), new TrainingOptions { Epochs = 3, BatchSize = 2, ProgressEvery = 3 });
        var progress = new Collect();
        var result = trainer.Fit(data, progress: progress);
        Assert.All(result.TrainingLoss, l => Assert.Equal(22.0, l, 12));
        Assert.All(progress.Reports.Where(r => r.EndOfEpoch && r.Step % 3 == 0), r => Assert.Equal(22.0, r.Loss, 12));
    }
}
