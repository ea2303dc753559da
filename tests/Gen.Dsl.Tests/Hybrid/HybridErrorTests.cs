using System;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Hybrid;

public class HybridErrorTests
{
    private static FlowModel Flow2() => FlowGanTraining.RealNvp(hidden: 8, couplings: 1).Compile(Device.Cpu, seed: 0);

    [Fact]
    public void A_critic_of_another_width_is_refused_before_any_sample_is_drawn()
    {
        using var critic = Adversarial.Critic(3).WithNetwork(Net.Mlp(8)).Compile(Device.Cpu, seed: 0);
        bool drawn = false;
        var sampler = Sampler.From(new long[] { 2 }, (n, g) => { drawn = true; return torch.zeros(n, 2); });
        var e = Assert.Throws<GenShapeException>(() => new Adversary(sampler, critic, Objective.Adversarial(Objective.NonSaturating)));
        Assert.Equal("adversary.critic", e.Node);
        Assert.Contains("[3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", e.Message, StringComparison.Ordinal);
        Assert.False(drawn);

        using var flow = Flow2();
        e = Assert.Throws<GenShapeException>(() => new Adversary(flow, critic, Objective.Likelihood + Objective.Adversarial(Objective.Hinge)));
        Assert.Equal("adversary.critic: the critic takes samples of shape [3], but the model (FlowModel) draws samples of shape [2].", e.Message);
    }

    [Fact]
    public void Data_of_another_width_is_refused_naming_both_shapes()
    {
        using var flow = Flow2();
        using var critic = Adversarial.Critic(2).WithNetwork(Net.Mlp(8)).Compile(Device.Cpu, seed: 0);
        using var adversary = new Adversary(flow, critic, Objective.Likelihood + Objective.Adversarial(Objective.Hinge));
        var e = Assert.Throws<GenShapeException>(() => adversary.ModelLoss(torch.zeros(4, 3), x => -flow.LogProb(x).mean()));
        Assert.Equal("adversary.data", e.Node);
        Assert.Contains("[batch, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 3]", e.Message, StringComparison.Ordinal);
        Assert.Throws<GenShapeException>(() => adversary.UpdateCritic(torch.zeros(4, 2, 1)));

        var c = Assert.Throws<GenShapeException>(() => critic.Logits(torch.zeros(4, 5)));
        Assert.Equal("critic.samples: expects [batch, 2], got a tensor of shape [4, 5].", c.Message);

        var nll = Assert.Throws<GenShapeException>(() => adversary.ModelLoss(torch.zeros(4, 2), x => -flow.LogProb(x)));
        Assert.Equal("adversary.nll", nll.Node);
    }

    [Fact]
    public void A_sampling_function_that_gives_another_shape_is_named()
    {
        var sampler = Sampler.From(new long[] { 2 }, (n, g) => torch.zeros(n, 3), "my_model");
        var e = Assert.Throws<GenShapeException>(() => sampler.RSample(4));
        Assert.Equal("my_model: expected 4 samples of shape [2], [4, 2], but the sampling function gave [4, 3].", e.Message);
        Assert.Throws<GenShapeException>(() => Sampler.From(Array.Empty<long>(), (n, g) => torch.zeros(n)));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.RSample(0));
    }

    [Fact]
    public void Objectives_that_cannot_train_are_refused()
    {
        using var flow = Flow2();
        using var critic = Adversarial.Critic(2).WithNetwork(Net.Mlp(8)).Compile(Device.Cpu, seed: 0);
        var noGame = Assert.Throws<ArgumentException>(() => new Adversary(flow, critic, Objective.Likelihood));
        Assert.Contains("no adversarial term", noGame.Message, StringComparison.Ordinal);
        var zero = Assert.Throws<ArgumentException>(() => new Adversary(flow, critic, 0 * (Objective.Likelihood + Objective.Adversarial(Objective.Hinge))));
        Assert.Contains("both weights", zero.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adversary(flow, critic, new HybridObjective(-1, 1, Objective.Hinge)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adversary(flow, critic, Objective.Adversarial(Objective.Hinge), criticSteps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => -1 * Objective.Likelihood);
        var twoGames = Assert.Throws<ArgumentException>(() => Objective.Adversarial(Objective.Hinge) + Objective.Adversarial(Objective.NonSaturating));
        Assert.Contains("Hinge and NonSaturating", twoGames.Message, StringComparison.Ordinal);

        using var adversary = new Adversary(flow, critic, Objective.Likelihood + Objective.Adversarial(Objective.Hinge));
        var missing = Assert.Throws<ArgumentException>(() => adversary.ModelLoss(torch.zeros(4, 2)));
        Assert.Contains("pass the model's negative log-likelihood", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_whose_samples_carry_no_gradient_are_refused()
    {
        using var vae = Dsl.Latent.Vae(5, 2).WithEncoder(Net.Mlp(8)).WithDecoder(Net.Mlp(8)).Compile(Device.Cpu, seed: 0);
        var e = Assert.Throws<ArgumentException>(() => Sampler.Decoder(vae));
        Assert.Contains("Sampler.DecoderMean", e.Message, StringComparison.Ordinal);
        using var conditional = Adversarial.Gan(2, 2).Generator(Net.Mlp(8)).Discriminator(Net.Mlp(8)).WithClasses(3).Compile(Device.Cpu, seed: 0);
        Assert.Throws<ArgumentException>(() => conditional.RSample(4));
        Assert.Throws<GenShapeException>(() => Adversarial.Critic(0));
    }

    [Fact]
    public void A_gradient_penalty_on_a_batch_normalised_critic_is_refused()
    {
        using var critic = Adversarial.Critic(2).WithNetwork(Net.Mlp(8).WithNormalization(Normalization.Batch)).Compile(Device.Cpu, seed: 0);
        using var flow = Flow2();
        var e = Assert.Throws<ArgumentException>(() => new Adversary(flow, critic, Objective.Likelihood + Objective.Adversarial(Objective.NonSaturating + Penalty.R1)));
        Assert.StartsWith("adversary: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("batch-normalised", e.Message, StringComparison.Ordinal);
        using var fine = new Adversary(flow, critic, Objective.Likelihood + Objective.Adversarial(Objective.NonSaturating));
    }
}
