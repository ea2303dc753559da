using System;
using System.IO;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.EnergyBased;

/// <summary>
/// Energy-based models as specs: the spec checks its network against the data, round-trips as JSON and checkpoints, a
/// joint energy model's energy is the negative log-sum-exp of its logits, and JEM trained on the 8×8 digits both
/// classifies held-out digits and gives data lower energy than noise.
/// </summary>
public sealed class EnergyModelTests
{
    private readonly ITestOutputHelper output;

    public EnergyModelTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void The_spec_checks_its_network_and_classes_against_the_data()
    {
        Assert.Contains("Energy over [64]", Energy.Over(64).ToString(), StringComparison.Ordinal);
        Assert.Contains("10 logits", Energy.Over(64).WithClasses(10).ToString(), StringComparison.Ordinal);
        Assert.Equal("energy.classes", Assert.Throws<GenShapeException>(() => Energy.Over(64).WithClasses(1)).Node);
        Assert.Equal("energy.data", Assert.Throws<GenShapeException>(() => Energy.Over(0)).Node);
        Assert.StartsWith("energy.network", Assert.Throws<GenShapeException>(() => Energy.Over(64).WithNetwork(Net.ConvEncoder(8))).Node, StringComparison.Ordinal);
        Assert.Equal("energy.data", Assert.Throws<GenShapeException>(() => new EnergySpec(new ValueList<int>(new[] { 2, 3 }), Net.Mlp(4), 0).Compile(Device.Cpu)).Node);
        using var images = Energy.Over(1, 8, 8).Compile(Device.Cpu, seed: 0);
        Assert.Equal(new long[] { 3 }, images.Energy(torch.zeros(3, 1, 8, 8)).shape);
        Assert.Equal("energy.energy", Assert.Throws<GenShapeException>(() => images.Energy(torch.zeros(3, 64))).Node);
        Assert.Throws<InvalidOperationException>(() => images.Logits(torch.zeros(3, 1, 8, 8)));
    }

    [Fact]
    public void A_joint_energy_is_the_negative_log_sum_exp_of_the_logits_and_survives_json_and_checkpoints()
    {
        var spec = Energy.Over(5).WithNetwork(Net.Mlp(7)).WithClasses(3);
        Assert.Equal(spec, SpecJson.FromJson<EnergySpec>(spec.ToJson()));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 2);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(new long[] { 4, 5 }, dtype: torch.float64, generator: Seed.Generator(1));
        Assert.True(model.Energy(x).allclose(-model.Logits(x).logsumexp(-1), rtol: 0, atol: 1e-14));

        var dir = Path.Combine(Path.GetTempPath(), "gen-energy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "jem.ckpt");
            Model.Save(path, model);
            using var loaded = Model.Load<EnergyModel>(path, Device.Cpu);
            Assert.Equal(spec, loaded.Spec);
            Assert.True(loaded.Energy(x).equal(model.Energy(x)).all().item<bool>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Jem_on_the_digits_classifies_held_out_digits_and_gives_data_lower_energy_than_noise()
    {
        var digits = Digits.Load(Device.Cpu);
        var x = (digits.Images.to(torch.float32) / 8) - 1; // [n, 64] in [−1, 1]
        using var order = Seed.Generator(0);
        var permutation = torch.randperm(x.shape[0], generator: order);
        var train = permutation[..1400];
        var test = permutation[1400..];

        using var model = Energy.Over(64).WithClasses(10).Compile(Device.Cpu, seed: 1);
        using var buffer = new ReplayBuffer(new long[] { 64 }, capacity: 2000, low: -1, high: 1);
        // JEM's sampler: a gradient step of 1 and noise 0.01, 20 steps from a replay buffer.
        var sampler = new LangevinSampler(1e-4, 20) { Temperature = 5e-5 };
        var jem = new JointEnergy(model, new ContrastiveDivergence(model.Energy, sampler, buffer, Regularization: 0.1));
        using var g = Seed.Generator(2);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        var images = x.index_select(0, train);
        var labels = digits.Labels.index_select(0, train);
        var trainer = new Trainer(model, adam, batch => jem.Loss(images.index_select(0, batch), labels.index_select(0, batch), g), new TrainingOptions { Epochs = 8, BatchSize = 64, Seed = 3 });
        var result = trainer.Fit(torch.arange(train.shape[0]));

        using var noGrad = torch.no_grad();
        var held = x.index_select(0, test);
        double accuracy = model.Classify(held).eq(digits.Labels.index_select(0, test)).to(torch.float64).mean().item<double>();
        var noise = (DeviceRandom.Uniform(held.shape, torch.float32, Device.Cpu, Seed.Generator(4)) * 2) - 1;
        double dataEnergy = model.Energy(held).mean().item<float>();
        double noiseEnergy = model.Energy(noise).mean().item<float>();
        output.WriteLine($"{result.Steps} steps; held-out accuracy {accuracy:P1}; energy: data {dataEnergy:F2}, noise {noiseEnergy:F2}");
        Assert.True(accuracy > 0.9, $"held-out accuracy {accuracy:P1}");
        Assert.True(dataEnergy < noiseEnergy, $"data {dataEnergy:F2}, noise {noiseEnergy:F2}");
    }
}
