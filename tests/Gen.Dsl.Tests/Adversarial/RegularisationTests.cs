using System;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>Lazy critic penalties and the orthogonal regularisation of a generator's weights.</summary>
public sealed class RegularisationTests
{
    [Fact]
    public void A_lazy_penalty_applies_on_every_kth_update_scaled_by_k_and_costs_nothing_in_between()
    {
        using var critic = Adversarial.Critic(2).WithNetwork(Net.Mlp(8)).Compile(Device.Cpu, torch.float64, seed: 0);
        var real = torch.randn(new long[] { 16, 2 }, torch.float64, generator: Seed.Generator(1));
        var fake = torch.randn(new long[] { 16, 2 }, torch.float64, generator: Seed.Generator(2));
        var lazy = Penalty.R1.Every(4);
        Assert.Equal("R1.Every(4)", lazy.ToString());
        double r1 = Penalty.R1.Value(new CriticBatch(real, fake, critic.Logits)).ToDouble();
        double sum = 0;
        for (long update = 0; update < 12; update++)
        {
            var value = lazy.Value(new CriticBatch(real, fake, critic.Logits) { Update = update });
            if (update % 4 == 0)
            {
                Assert.Equal(4 * r1, value.ToDouble(), 12);
                Assert.True(value.requires_grad);
            }
            else
            {
                Assert.Equal(0.0, value.ToDouble());
                Assert.False(value.requires_grad);
            }

            sum += value.ToDouble();
        }

        // On average the same weight per update as the penalty itself.
        Assert.Equal(r1, sum / 12, 12);
        Assert.Same(Penalty.R1, Penalty.R1.Every(1));
        Assert.Equal(8, ((LazyPenalty)Penalty.R1.Every(4).Every(2)).Interval);
        Assert.Throws<ArgumentOutOfRangeException>(() => Penalty.R1.Every(0));
    }

    [Fact]
    public void The_adversary_counts_its_critic_updates_for_lazy_penalties()
    {
        using var model = Adversarial.Gan(2, 2).Generator(Net.Mlp(8)).Discriminator(Net.Mlp(8)).Compile(Device.Cpu, torch.float64, seed: 0);
        using var trainer = new GanTrainer(model, Objective.NonSaturating + (10 * Penalty.R1.Every(4)), criticSteps: 2);
        var g = Seed.Generator(3);
        var pool = ToyData.Sample(ToySet.EightGaussians, 256, Device.Cpu, Seed.Generator(0)).to(torch.float64);
        for (int i = 0; i < 3; i++)
        {
            var round = trainer.Step(() => new GanBatch(pool.index_select(0, DeviceRandom.Integers(256, new long[] { 32 }, Device.Cpu, g))), g);
            Assert.True(double.IsFinite(round.DiscriminatorLoss));
        }

        Assert.Equal(6, trainer.Adversary.CriticUpdates);
    }

    [Fact]
    public void The_orthogonal_penalty_is_zero_for_orthogonal_rows_and_the_off_diagonal_gram_norm_otherwise()
    {
        using var linear = torch.nn.Linear(3, 3, dtype: torch.float64);
        using (torch.no_grad())
        {
            // Orthogonal rows of different lengths: no penalty, whatever their norms.
            linear.weight!.copy_(torch.tensor(new double[,] { { 2, 0, 0 }, { 0, 0.5, 0 }, { 0, 0, 3 } }));
        }

        var penalty = WeightPenalty.Orthogonal(linear.parameters(), weight: 0.5);
        Assert.Equal(0.0, penalty().ToDouble(), 12);
        using (torch.no_grad())
        {
            linear.weight!.copy_(torch.tensor(new double[,] { { 1, 1, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }));
        }

        // W·Wᵀ = [[2, 1, 0], [1, 1, 0], [0, 0, 1]]: off-diagonal squares 1 + 1, times β = 0.5.
        var value = penalty();
        Assert.Equal(1.0, value.ToDouble(), 12);
        value.backward();
        Assert.NotNull(linear.weight!.grad);
        Assert.Null(linear.bias!.grad);
        // A convolution kernel counts as [out, in·kh·kw].
        using var conv = torch.nn.Conv2d(2, 3, 3, dtype: torch.float64);
        var rows = conv.weight!.reshape(3, -1);
        var gram = rows.matmul(rows.t());
        double expected = 1e-4 * (gram.square().sum() - gram.diagonal().square().sum()).ToDouble();
        Assert.Equal(expected, WeightPenalty.Orthogonal(conv.parameters())().ToDouble(), 12);
        Assert.Throws<ArgumentException>(() => WeightPenalty.Orthogonal(new[] { linear.bias! }));
        Assert.Throws<ArgumentOutOfRangeException>(() => WeightPenalty.Orthogonal(linear.parameters(), -1));
    }

    [Fact]
    public void A_generator_regularised_to_orthogonality_moves_towards_it_and_reports_the_term()
    {
        using var model = Adversarial.Gan(4, 2).Generator(Net.Mlp(16, 16)).Discriminator(Net.Mlp(16)).Compile(Device.Cpu, torch.float64, seed: 0);
        var penalty = WeightPenalty.Orthogonal(model.GeneratorParameters(), weight: 1.0);
        double before = penalty().ToDouble();
        using var gOpt = new FusedAdam(model.GeneratorParameters(), 1e-2);
        using var trainer = new GanTrainer(model, Objective.NonSaturating, 1, gOpt) { ModelRegularizer = penalty };
        var pool = ToyData.Sample(ToySet.EightGaussians, 256, Device.Cpu, Seed.Generator(0)).to(torch.float64);
        var result = trainer.Fit(pool);
        Assert.True(penalty().ToDouble() < before / 2, $"orthogonality penalty {before} -> {penalty().ToDouble()}");
        Assert.True(result.Epochs > 0);
    }
}
