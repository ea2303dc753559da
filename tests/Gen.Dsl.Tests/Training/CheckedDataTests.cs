using System;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Training;

/// <summary>
/// A trainer over a data set the model accepts whole checks it once, not every batch; a batch the loss transforms is
/// still checked, and a set the model rejects (a loss that binarises grey levels) trains as before.
/// </summary>
public sealed class CheckedDataTests
{
    private static (torch.Tensor Train, torch.Tensor Valid) Digits() => TrainerTests.Digits();

    [Fact]
    public void Batches_of_an_accepted_set_are_not_checked_again()
    {
        var (train, valid) = Digits();
        using var model = Autoregressive.Made(64, 32).Compile(Device.Cpu, seed: 1);
        Assert.True(model.Accepts(train));
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        long before = CheckedBatches.Skipped;
        var trainer = new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 2, BatchSize = 100 }) { Validation = x => -model.LogProb(x) };
        var result = trainer.Fit(train, valid);
        // Each epoch's 14 training batches (1348 digits) and 5 validation batches (449), none checked.
        Assert.Equal((1348L, 449L), (train.shape[0], valid.shape[0]));
        Assert.Equal(2 * (14 + 5), CheckedBatches.Skipped - before);

        // From a source of batches, nothing is known of the data: every batch is checked.
        before = CheckedBatches.Skipped;
        using var order = Seed.Generator(0);
        new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 1 }).Fit(_ => Batches.Of(train, 100, train.device, order));
        Assert.Equal(0, CheckedBatches.Skipped - before);
    }

    [Fact]
    public void A_batch_the_loss_transforms_is_checked_and_refused_with_the_usual_error()
    {
        var (train, _) = Digits();
        using var model = Autoregressive.Made(64, 32).Compile(Device.Cpu, seed: 1);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, adam, x => -model.LogProb(x * 2).mean(), new TrainingOptions { Epochs = 1 });
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(train));
        Assert.Contains("must be binary", e.Message);
    }

    [Fact]
    public void A_set_the_model_rejects_trains_through_a_loss_that_makes_it_valid()
    {
        // Grey levels in [0, 1], binarised afresh in the loss: the set itself is not binary, so every batch is checked
        // (and passes, since the loss hands the model binary values).
        var grey = Gen.Data.Digits.Load(Device.Cpu).Images.reshape(-1, 64).to(torch.float32) / 16;
        var net = Net.Mlp(16).WithActivation(Activation.Tanh);
        using var vae = Gen.Dsl.Latent.Vae(64, 4).WithEncoder(net).WithDecoder(net).Compile(Device.Cpu, seed: 2);
        Assert.False(vae.Accepts(grey));
        Assert.True(vae.Accepts(grey.gt(0.5).to(torch.float32)));
        using var g = Seed.Generator(3);
        using var adam = new FusedAdam(vae.parameters(), 1e-3);
        long before = CheckedBatches.Skipped;
        var result = new Trainer(vae, adam, x => -vae.Elbo(Transforms.BinarizeDynamic(x, g), g).mean(), new TrainingOptions { Epochs = 2 }).Fit(grey);
        Assert.Equal(0, CheckedBatches.Skipped - before);
        Assert.True(result.TrainingLoss[^1] < result.TrainingLoss[0], string.Join(", ", result.TrainingLoss));
    }

    [Fact]
    public void Accepting_is_an_answer_never_an_error()
    {
        using var made = Autoregressive.Made(4, 8).Compile(Device.Cpu, seed: 0);
        Assert.False(made.Accepts(torch.zeros(3, 5)));
        Assert.False(made.Accepts(torch.zeros(new long[] { 3, 4 }, dtype: torch.float64)));
        Assert.False(made.Accepts(torch.full(new long[] { 3, 4 }, 0.5f)));
        Assert.True(made.Accepts(torch.ones(3, 4)));
        using var pixels = Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).WithResidualBlocks(1).Compile(Device.Cpu, seed: 0);
        Assert.True(pixels.Accepts(torch.ones(2, 1, 4, 4)));
        Assert.False(pixels.Accepts(torch.full(new long[] { 2, 1, 4, 4 }, 2f)));
    }
}
