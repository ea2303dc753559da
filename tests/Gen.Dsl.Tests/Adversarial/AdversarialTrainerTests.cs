using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.Gans;

/// <summary>The one adversarial trainer: rounds over a data set, for a GAN and for any sampler against any critic.</summary>
public class AdversarialTrainerTests
{
    private readonly ITestOutputHelper output;

    public AdversarialTrainerTests(ITestOutputHelper output) => this.output = output;

    private static GanSpec SmallGan => Adversarial.Gan(latent: 2, data: 2).Generator(Net.Mlp(16)).Discriminator(Net.Mlp(16));

    [Fact]
    public void Fit_plays_the_rounds_that_Step_plays_over_the_same_shuffled_batches()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 50, Device.Cpu, Seed.Generator(0));
        var options = new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 3 };
        const int CriticSteps = 2;

        using var fitted = SmallGan.Compile(Device.Cpu, seed: 1);
        using (var trainer = new GanTrainer(fitted, Objective.Wasserstein + (10 * Penalty.GradientPenalty), CriticSteps, options: options))
        {
            var result = trainer.Fit(data);
            // 50 examples in rounds of 2 × 8: 4 rounds per epoch (the last with the 2 examples left).
            Assert.Equal(8, result.Steps);
        }

        using var stepped = SmallGan.Compile(Device.Cpu, seed: 1);
        using (var trainer = new GanTrainer(stepped, Objective.Wasserstein + (10 * Penalty.GradientPenalty), CriticSteps))
        {
            using var order = Seed.Generator(3);
            using var draws = Seed.Generator(3 ^ 0x5DEECE66DL);
            using var all = torch.arange(data.shape[0], dtype: torch.int64);
            for (int epoch = 0; epoch < 2; epoch++)
            {
                foreach (var indices in Batches.Of(all, 16, Device.Cpu, order))
                {
                    var chunks = data.index_select(0, indices).split(8);
                    int next = 0;
                    trainer.Step(() => new GanBatch(chunks[next++ % chunks.Length]), draws);
                }
            }
        }

        // The generator took the same steps; Fit's last loss check made two more critic updates, so only the generator is compared.
        foreach (var (a, b) in fitted.GeneratorParameters().Zip(stepped.GeneratorParameters()))
        {
            Assert.True(a.eq(b).all().item<bool>(), "Fit and the Step loop trained different generators");
        }
    }

    [Fact]
    public void Fit_trains_a_GAN_to_cover_the_ring_and_reports_both_players()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 8192, Device.Cpu, Seed.Generator(0));
        using var model = Adversarial.Gan(2, 2).Generator(Net.Mlp(64, 64)).Discriminator(Net.Mlp(64, 64)).WithSpectralNorm().Compile(Device.Cpu, seed: 0);
        using var gOpt = new FusedAdam(model.GeneratorParameters(), 1e-3, 0.5, 0.999);
        using var dOpt = new FusedAdam(model.DiscriminatorParameters(), 1e-3, 0.5, 0.999);
        using var trainer = new GanTrainer(model, Objective.NonSaturating, 1, gOpt, dOpt, new TrainingOptions { Epochs = 16, BatchSize = 128, ProgressEvery = 64 });
        var reports = new List<TrainingProgress>();
        var result = trainer.Fit(data, progress: new Progress(reports.Add));

        model.eval();
        using var samples = model.Sample(2500, Seed.Generator(2));
        var coverage = ModeCoverage.Measure(samples, MixtureModes.Of(ToySet.EightGaussians));
        output.WriteLine($"{result.Steps} rounds, {coverage}");
        Assert.Equal(16 * 64, result.Steps);
        Assert.True(coverage.ModesCaptured >= 7, $"captured {coverage}");
        Assert.True(coverage.HighQualityShare >= 0.8, $"captured {coverage}");
        Assert.Contains(reports, r => r.EndOfEpoch && r.Epoch == 16);
        Assert.All(reports, r => Assert.True(r.Terms.ContainsKey("adversarial") && r.Terms.ContainsKey("critic") && !r.Terms.ContainsKey("nll")));
    }

    [Fact]
    public void A_class_conditional_GAN_fits_on_labelled_data_and_refuses_labels_that_do_not_fit()
    {
        var g = Seed.Generator(0);
        var data = DeviceRandom.Normal(new long[] { 40, 2 }, torch.float32, Device.Cpu, g);
        var labels = DeviceRandom.Integers(4, new long[] { 40 }, Device.Cpu, g);
        using var model = SmallGan.WithClasses(4).Compile(Device.Cpu, seed: 0);
        using var trainer = new GanTrainer(model, Objective.Hinge, options: new TrainingOptions { Epochs = 1, BatchSize = 10 });
        Assert.Equal(4, trainer.Fit(data, labels).Steps);

        var shortLabels = Assert.Throws<GenShapeException>(() => trainer.Fit(data, labels[..39]));
        Assert.Contains("adversarial_trainer.labels", shortLabels.Message);
        var noLabels = Assert.Throws<GenShapeException>(() => trainer.Fit(data));
        Assert.Contains("class-conditional (4 classes)", noLabels.Message);

        using var plain = SmallGan.Compile(Device.Cpu, seed: 0);
        using var plainTrainer = new GanTrainer(plain, Objective.Hinge);
        var superfluous = Assert.Throws<GenShapeException>(() => plainTrainer.Fit(data, labels));
        Assert.Contains("unconditional", superfluous.Message);
    }

    [Fact]
    public void A_round_that_turns_NaN_stops_with_the_term_named_and_the_last_good_weights_back()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 64, Device.Cpu, Seed.Generator(0));
        data[37, 1] = torch.tensor(float.NaN);
        using var model = SmallGan.Compile(Device.Cpu, seed: 0);
        var before = model.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        using var trainer = new GanTrainer(model, Objective.NonSaturating, options: new TrainingOptions { Epochs = 1, BatchSize = 64 });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));
        Assert.Equal("critic", e.Term);
        foreach (var (name, value) in model.state_dict())
        {
            Assert.True(value.eq(before[name]).all().item<bool>(), $"{name} was not put back");
        }
    }

    [Fact]
    public void The_models_loss_leaves_no_gradient_on_the_critic()
    {
        using var flow = Flow.RealNvp(2, transforms: 2, 8).Compile(Device.Cpu, seed: 0);
        using var critic = Adversarial.Critic(2).WithNetwork(Net.Mlp(8)).Compile(Device.Cpu, seed: 0);
        using var adversary = new Adversary(flow, critic, Objective.Adversarial(Objective.NonSaturating));
        var real = ToyData.Sample(ToySet.EightGaussians, 16, Device.Cpu, Seed.Generator(0));
        var loss = adversary.ModelLoss(real, generator: Seed.Generator(1));
        loss.Total.backward();
        Assert.All(critic.CriticParameters(), p => Assert.Null(p.grad));
        Assert.Contains(flow.parameters(), p => p.grad is not null);
        Assert.All(critic.CriticParameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void A_critic_of_ones_own_trains_a_flow_beside_its_likelihood()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 512, Device.Cpu, Seed.Generator(0));
        using var flow = Flow.RealNvp(2, transforms: 4, 32, 32).Compile(Device.Cpu, seed: 0);
        using var critic = new QuadraticCritic();
        double Nll()
        {
            using var noGrad = torch.no_grad();
            return -flow.LogProb(data).mean().ToDouble();
        }

        double before = Nll();
        var options = new TrainingOptions { Epochs = 10, BatchSize = 64 };
        using var trainer = new AdversarialTrainer(flow, flow, critic, Objective.Likelihood + (0.1 * Objective.Adversarial(Objective.NonSaturating + Penalty.R1)), options: options)
        {
            NegativeLogLikelihood = x => -flow.LogProb(x).mean(),
        };
        var reports = new List<TrainingProgress>();
        trainer.Fit(data, progress: new Progress(reports.Add));
        double after = Nll();
        output.WriteLine($"nll {before:F3} -> {after:F3}");
        Assert.True(after < before - 0.5, $"nll {before} -> {after}");
        Assert.All(reports, r => Assert.True(r.Terms.ContainsKey("nll") && r.Terms.ContainsKey("adversarial") && r.Terms.ContainsKey("critic")));
        Assert.Contains(critic.CriticParameters(), p => p.grad is null && p.ne(0).any().item<bool>());
    }

    [Fact]
    public void A_hybrid_objective_without_its_likelihood_is_refused_before_the_first_round()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 32, Device.Cpu, Seed.Generator(0));
        using var flow = Flow.RealNvp(2, transforms: 2, 8).Compile(Device.Cpu, seed: 0);
        using var critic = new QuadraticCritic();
        using var trainer = new AdversarialTrainer(flow, flow, critic, Objective.Likelihood + Objective.Adversarial(Objective.Hinge));
        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(data));
        Assert.Contains("weighs the likelihood", e.Message);
        Assert.Throws<ArgumentException>(() => new AdversarialTrainer(critic, flow, critic, Objective.Adversarial(Objective.Hinge)));
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    // A critic written outside Gen's specs: a quadratic form in the sample, w·x + xᵀAx + b.
    private sealed class QuadraticCritic : torch.nn.Module, ICritic
    {
        private readonly Parameter linear;
        private readonly Parameter quadratic;
        private readonly Parameter bias;

        public QuadraticCritic() : base("quadratic_critic")
        {
            linear = new Parameter(torch.zeros(2));
            quadratic = new Parameter(torch.zeros(2, 2));
            bias = new Parameter(torch.zeros(1));
            register_parameter(nameof(linear), linear);
            register_parameter(nameof(quadratic), quadratic);
            register_parameter(nameof(bias), bias);
        }

        public IReadOnlyList<long> InputShape => new long[] { 2 };

        public int Classes => 0;

        public bool DependsOnBatch => false;

        public Parameter[] CriticParameters() => parameters().ToArray();

        public torch.Tensor Logits(torch.Tensor x, torch.Tensor? labels = null) =>
            x.matmul(linear) + (x.matmul(quadratic) * x).sum(-1) + bias;
    }
}
