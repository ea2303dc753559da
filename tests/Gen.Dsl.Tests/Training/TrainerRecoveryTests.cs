using System;
using System.IO;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Training;

/// <summary>
/// What the trainer keeps when training breaks: weights that a step broke never become the last good state or the
/// checkpoint, and after a failure the optimizer's state is put back with the parameters, so training can go on.
/// </summary>
public sealed class TrainerRecoveryTests
{
    private static FlowModel MoonsFlow() =>
        Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(16))).Then(Bij.Reverse()).Repeat(2)
            .Compile(Device.Cpu, seed: 0);

    private static torch.Tensor Moons() => ToyData.Sample(ToySet.Moons, 1000, Device.Cpu, Seed.Generator(0));

    private static string TempPath() =>
        Path.Combine(Path.GetTempPath(), "gen-trainer-recovery-" + Guid.NewGuid().ToString("N") + ".ckpt");

    [Fact]
    public void A_last_step_that_breaks_the_weights_never_reaches_the_checkpoint()
    {
        // Ten batches an epoch; step 39 (from 0) is the last of epoch 4, and its learning rate of 1e10 breaks the
        // weights after its own loss, computed before the update, was finite. The first step of epoch 5 scores them.
        var e = SpikeKeepsTheLastGoodEpoch(spikeStep: 39, goodEpochs: 3);
        Assert.Equal(41, e.Step);
        Assert.Contains("the end of epoch 3", e.Message);
    }

    [Fact]
    public void After_a_failure_the_optimizer_is_restored_with_the_parameters_and_training_goes_on()
    {
        // One batch with a NaN row, checked only every 20 steps: the NaN reaches the parameters and Adam's moments.
        var clean = Moons();
        var poisoned = clean.clone();
        poisoned[0, 0] = torch.tensor(float.NaN);
        using var model = MoonsFlow();
        var start = model.parameters().Select(p => p.detach().clone()).ToArray();
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 100, CheckFiniteEvery = 20 };
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(model, adam, b => -model.LogProb(b).mean(), options).Fit(poisoned));
        Assert.Equal(0, e.RestoredEpoch);
        Assert.Contains("the start of this training run", e.Message);
        Assert.DoesNotContain("initialisation", e.Message);
        Assert.All(model.parameters().Zip(start), p => Assert.True(p.First.allclose(p.Second, 0, 0)));

        // Retrying on clean data, as the message advises, trains: the moments were restored too, not left NaN.
        var result = new Trainer(model, adam, b => -model.LogProb(b).mean(), options).Fit(clean);
        Assert.All(result.TrainingLoss, l => Assert.True(double.IsFinite(l)));
        Assert.All(model.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
        Assert.True(result.TrainingLoss[^1] < result.TrainingLoss[0], $"the retry should train: {string.Join(", ", result.TrainingLoss)}");
    }

    [Fact]
    public void A_spike_at_the_very_last_step_never_reaches_the_checkpoint()
    {
        // Step 79 (from 0) is the run's last; nothing trains after it, so only the final scoring sees what it broke.
        SpikeKeepsTheLastGoodEpoch(spikeStep: 79, goodEpochs: 7);
    }

    /// <summary>
    /// Trains the moons flow for 8 epochs of ten batches with a learning rate of 1e10 at <paramref name="spikeStep"/>, and
    /// checks that the run fails and that the checkpoint and the live model both hold the weights of the end of epoch
    /// <paramref name="goodEpochs"/>, bit for bit (those of a clean run of that many epochs).
    /// </summary>
    private static TrainingDivergedException SpikeKeepsTheLastGoodEpoch(int spikeStep, int goodEpochs)
    {
        var x = Moons();
        string reference = TempPath(), spiked = TempPath();
        try
        {
            using (var m = MoonsFlow())
            using (var adam = new FusedAdam(m.parameters(), 1e-3))
            {
                new Trainer(m, adam, b => -m.LogProb(b).mean(), new TrainingOptions { Epochs = goodEpochs, BatchSize = 100, CheckpointPath = reference }).Fit(x);
            }

            using var model = MoonsFlow();
            using var optimizer = new FusedAdam(model.parameters(), 1e-3);
            var trainer = new Trainer(model, optimizer, b => -model.LogProb(b).mean(), new TrainingOptions
            {
                Epochs = 8,
                BatchSize = 100,
                CheckpointPath = spiked,
                LearningRate = s => s == spikeStep ? 1e10 : 1e-3,
            });
            var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(x));
            Assert.Equal(goodEpochs, e.RestoredEpoch);
            using var expected = Model.Load<FlowModel>(reference, Device.Cpu);
            using var saved = Model.Load<FlowModel>(spiked, Device.Cpu);
            foreach (var (a, b, c) in expected.parameters().Zip(saved.parameters(), model.parameters()))
            {
                Assert.True(a.allclose(b, 0, 0) && a.allclose(c, 0, 0), $"the checkpoint and the model must hold the end of epoch {goodEpochs}");
            }

            return e;
        }
        finally
        {
            File.Delete(reference);
            File.Delete(spiked);
        }
    }

    [Fact]
    public void The_loss_is_called_once_a_step_and_once_more_for_the_last_weights_and_no_unconfirmed_checkpoint_is_left_behind()
    {
        // Confirmation reads the next step's own loss; only the weights the run ends with, which no step follows, cost
        // one more call (without validation data), and a finished run leaves only its checkpoint.
        var x = Moons();
        string path = TempPath();
        try
        {
            using var model = MoonsFlow();
            using var adam = new FusedAdam(model.parameters(), 1e-3);
            long calls = 0;
            var result = new Trainer(model, adam, b => { calls++; return -model.LogProb(b).mean(); }, new TrainingOptions { Epochs = 3, BatchSize = 100, CheckpointPath = path }).Fit(x);
            Assert.Equal(result.Steps + 1, calls);
            Assert.True(File.Exists(path));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "*"));
            using var saved = Model.Load<FlowModel>(path, Device.Cpu);
            Assert.All(saved.parameters().Zip(model.parameters()), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
