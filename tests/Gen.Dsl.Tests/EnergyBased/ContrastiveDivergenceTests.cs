using System;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.EnergyBased;

/// <summary>An energy trained by persistent contrastive divergence on the ring of eight Gaussians.</summary>
public class ContrastiveDivergenceTests
{
    private readonly ITestOutputHelper output;

    public ContrastiveDivergenceTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void An_energy_trained_with_a_replay_buffer_puts_its_samples_on_the_ring()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 4096, Device.Cpu, Seed.Generator(0));
        using var critic = Adversarial.Critic(2).WithNetwork(Net.Mlp(64, 64).WithActivation(Activation.Silu)).Compile(Device.Cpu, seed: 0);
        torch.Tensor Energy(torch.Tensor x) => critic.Logits(x);
        using var buffer = new ReplayBuffer(new long[] { 2 }, capacity: 4096, low: -4, high: 4);
        var cd = new ContrastiveDivergence(Energy, new LangevinSampler(0.01, 40), buffer, Regularization: 0.1);
        using var g = Seed.Generator(1);
        using var adam = new FusedAdam(critic.parameters(), 1e-3, 0.0, 0.999);
        var trainer = new Trainer(critic, adam, x => cd.Loss(x, g), new TrainingOptions { Epochs = 6, BatchSize = 128, ProgressEvery = 1000 });
        var result = trainer.Fit(data);

        // Fresh chains from the uniform law on the square, long enough to forget where they started.
        var start = (DeviceRandom.Uniform(new long[] { 2000, 2 }, torch.float32, Device.Cpu, Seed.Generator(2)) * 8) - 4;
        var samples = new LangevinSampler(0.01, 500).Run(Energy, start, Seed.Generator(3)).Samples;
        var coverage = ModeCoverage.Measure(samples, MixtureModes.Of(ToySet.EightGaussians));
        output.WriteLine($"{result.Steps} steps, buffer {buffer.Count}; {coverage}");
        Assert.True(coverage.ModesCaptured >= 7, $"{coverage}");
        Assert.True(coverage.HighQualityShare >= 0.6, $"{coverage}");
        // Data sits lower than the square's corners.
        using var noGrad = torch.no_grad();
        var corners = torch.tensor(new float[] { 3.8f, 3.8f, -3.8f, 3.8f, 3.8f, -3.8f, -3.8f, -3.8f }).reshape(4, 2);
        Assert.True(Energy(data[..512]).mean().ToDouble() < Energy(corners).mean().ToDouble());
    }

    [Fact]
    public void The_buffer_keeps_what_it_is_given_and_refuses_other_shapes()
    {
        using var buffer = new ReplayBuffer(new long[] { 3 }, capacity: 10, low: 5, high: 6, freshShare: 0);
        var first = buffer.Draw(4, torch.float64, Device.Cpu, Seed.Generator(0));
        Assert.True(first.ge(5).logical_and(first.le(6)).all().item<bool>(), "an empty buffer draws fresh states");
        buffer.Push(torch.zeros(8, 3, dtype: torch.float64));
        buffer.Push(torch.ones(8, 3, dtype: torch.float64), Seed.Generator(1));
        Assert.Equal(10, buffer.Count);
        var drawn = buffer.Draw(200, torch.float64, Device.Cpu, Seed.Generator(2));
        Assert.True(drawn.eq(0).logical_or(drawn.eq(1)).all().item<bool>(), "with no fresh share every state comes from the buffer");
        Assert.Throws<GenShapeException>(() => buffer.Push(torch.zeros(2, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayBuffer(new long[] { 2 }, freshShare: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayBuffer(new long[] { 2 }, low: 1, high: 1));
    }
}
