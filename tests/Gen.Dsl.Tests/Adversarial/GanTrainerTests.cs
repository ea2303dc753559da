using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

public class GanTrainerTests
{
    private static readonly GanSpec Spec = Adversarial.Gan(2, 2).Generator(Net.Mlp(16)).Discriminator(Net.Mlp(16));

    private static Func<GanBatch> Batches(torch.Tensor pool, torch.Generator g, int size = 32) =>
        () => new GanBatch(pool.index_select(0, DeviceRandom.Integers(pool.shape[0], new long[] { size }, Device.Cpu, g)));

    private static torch.Tensor Pool() => ToyData.Sample(ToySet.EightGaussians, 512, Device.Cpu, Seed.Generator(0));

    [Fact]
    public void Each_step_makes_the_asked_number_of_critic_updates_then_one_generator_update()
    {
        using var model = Spec.Compile(Device.Cpu, seed: 0);
        using var trainer = new GanTrainer(model, Objective.Wasserstein + (10 * Penalty.GradientPenalty), criticSteps: 3);
        var pool = Pool();
        var g = Seed.Generator(1);
        int calls = 0;
        var generatorBefore = model.GeneratorParameters().Select(p => p.detach().clone()).ToArray();
        var result = trainer.Step(() => { calls++; return Batches(pool, g)(); }, g);
        Assert.Equal(3, calls);
        Assert.True(double.IsFinite(result.DiscriminatorLoss) && double.IsFinite(result.GeneratorLoss));
        Assert.All(model.GeneratorParameters().Zip(generatorBefore), p => Assert.False(p.First.allclose(p.Second, 0, 0)));
        // The generator's update leaves the discriminator trainable.
        Assert.All(model.DiscriminatorParameters(), p => Assert.True(p.requires_grad));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GanTrainer(model, Objective.Hinge, criticSteps: 0));
    }

    [Fact]
    public void Weight_clipping_holds_after_every_step()
    {
        using var model = Spec.Compile(Device.Cpu, seed: 0);
        using var trainer = new GanTrainer(model, Objective.WassersteinClipped(0.05), criticSteps: 2);
        var pool = Pool();
        var g = Seed.Generator(1);
        for (int i = 0; i < 3; i++)
        {
            trainer.Step(Batches(pool, g), g);
            Assert.All(model.DiscriminatorParameters(), p => Assert.True(p.abs().max().ToSingle() <= 0.05f));
        }
    }

    [Fact]
    public void Seeded_training_is_repeatable()
    {
        torch.Tensor[] Train()
        {
            using var model = Spec.WithSpectralNorm().Compile(Device.Cpu, seed: 4);
            using var trainer = new GanTrainer(model, Objective.NonSaturating + Penalty.R1);
            var pool = Pool();
            var g = Seed.Generator(5);
            for (int i = 0; i < 5; i++)
            {
                trainer.Step(Batches(pool, g), g);
            }

            return model.state_dict().Values.Select(t => t.detach().clone()).ToArray();
        }

        Assert.All(Train().Zip(Train()), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
    }

    [Fact]
    public void Training_steps_leave_no_tensors_behind()
    {
        using var model = Spec.WithClasses(2).WithSpectralNorm().Compile(Device.Cpu, seed: 0);
        model.CheckValues = false;
        using var trainer = new GanTrainer(model, Objective.Hinge + (10 * Penalty.GradientPenalty) + Penalty.Dragan + Penalty.R1, criticSteps: 2);
        var pool = Pool();
        var labels = pool[.., 0].gt(0).to(torch.int64);
        var g = Seed.Generator(1);
        GanBatch Next()
        {
            var index = DeviceRandom.Integers(pool.shape[0], new long[] { 16 }, Device.Cpu, g);
            return new GanBatch(pool.index_select(0, index), labels.index_select(0, index));
        }

        for (int i = 0; i < 3; i++)
        {
            trainer.Step(Next, g);
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++)
        {
            trainer.Step(Next, g);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void A_gradient_penalty_on_a_batch_normalised_discriminator_is_refused()
    {
        // Each example's input gradient is what these penalties hold to 1 (or 0); batch normalisation mixes the batch.
        using var model = Adversarial.Gan(2, 2).Generator(Net.Mlp(16)).Discriminator(Net.Mlp(16).WithNormalization(Normalization.Batch)).Compile(Device.Cpu, seed: 0);
        foreach (var objective in new AdversarialLoss[] { Objective.Wasserstein + (10 * Penalty.GradientPenalty), Objective.NonSaturating + Penalty.R1, Objective.Minimax + Penalty.Dragan })
        {
            var e = Assert.Throws<ArgumentException>(() => new GanTrainer(model, objective));
            Assert.Contains("batch-normalised", e.Message, StringComparison.Ordinal);
            Assert.Contains("Normalization.Layer", e.Message, StringComparison.Ordinal);
        }

        // Without a gradient penalty, or with layer normalisation, nothing is refused.
        using var plain = new GanTrainer(model, Objective.Hinge);
        using var layer = Adversarial.Gan(2, 2).Generator(Net.Mlp(16)).Discriminator(Net.Mlp(16).WithNormalization(Normalization.Layer)).Compile(Device.Cpu, seed: 0);
        using var penalised = new GanTrainer(layer, Objective.Wasserstein + (10 * Penalty.GradientPenalty));
    }
}
