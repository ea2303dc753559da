using System;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>Gradient penalties against closed forms for critics whose input gradient is known.</summary>
public class PenaltyTests
{
    private static torch.Tensor T(params double[] values) => torch.tensor(values, torch.float64);

    private static (torch.Tensor Real, torch.Tensor Fake) Samples()
    {
        var g = Seed.Generator(3);
        return (torch.randn(new long[] { 16, 2 }, torch.float64, generator: g), torch.randn(new long[] { 16, 2 }, torch.float64, generator: g) * 3);
    }

    /// <summary>The linear critic x ↦ x·w: its input gradient is w everywhere.</summary>
    private static CriticBatch Linear(torch.Tensor w, torch.Generator? generator = null)
    {
        var (real, fake) = Samples();
        return new CriticBatch(real, fake, x => x.matmul(w), generator);
    }

    [Fact]
    public void The_WGAN_GP_penalty_is_zero_for_a_unit_norm_linear_critic_and_positive_for_a_steeper_one()
    {
        Assert.Equal(0, Penalty.GradientPenalty.Value(Linear(T(0.6, -0.8))).ToDouble(), 12);
        // ‖w‖ = 2: (2 − 1)² = 1 at every interpolate.
        Assert.Equal(1, Penalty.GradientPenalty.Value(Linear(T(1.2, -1.6))).ToDouble(), 12);
        Assert.Equal(0.25, Penalty.GradientPenalty.Value(Linear(T(0.3, -0.4))).ToDouble(), 12);
    }

    [Fact]
    public void R1_and_DRAGAN_match_their_closed_forms_for_a_linear_critic()
    {
        var w = T(1.2, -1.6);
        Assert.Equal(2, Penalty.R1.Value(Linear(w)).ToDouble(), 12);        // ½‖w‖²
        Assert.Equal(1, Penalty.Dragan.Value(Linear(w)).ToDouble(), 12);    // (‖w‖ − 1)²
        Assert.Equal(0, Penalty.Dragan.WithScale(2).Value(Linear(T(0.6, 0.8))).ToDouble(), 12);
    }

    [Fact]
    public void Penalties_are_differentiable_in_the_critics_parameters()
    {
        // GP(w) = (‖w‖ − 1)², so ∂GP/∂w = 2(‖w‖ − 1)·w/‖w‖, which is w itself at w = (1.2, −1.6) where ‖w‖ = 2.
        var w = T(1.2, -1.6).requires_grad_(true);
        Penalty.GradientPenalty.Value(Linear(w)).backward();
        Assert.True(w.grad!.allclose(T(1.2, -1.6), 1e-12, 1e-12), $"got {w.grad!.ToString(TensorStringStyle.Julia)}");

        // The quadratic critic ½a‖x‖² has input gradient a·x: R1 = ½a²·E‖x‖², whose derivative in a is a·E‖x‖².
        var a = T(1.5).requires_grad_(true);
        var (real, fake) = Samples();
        var batch = new CriticBatch(real, fake, x => x.square().sum(1) * a * 0.5);
        var r1 = Penalty.R1.Value(batch);
        double meanSquare = real.square().sum(1).mean().ToDouble();
        Assert.Equal(0.5 * 1.5 * 1.5 * meanSquare, r1.ToDouble(), 10);
        r1.backward();
        Assert.Equal(1.5 * meanSquare, a.grad!.ToDouble(), 10);
    }

    [Fact]
    public void Penalty_draws_follow_the_batch_generator()
    {
        // A critic whose gradient norm varies, so the value depends on where it is evaluated.
        var (real, fake) = Samples();
        Func<torch.Tensor, torch.Tensor> critic = x => x.pow(3).sum(1);
        double Value(AdversarialLoss penalty, long seed) => penalty.DiscriminatorLoss(new CriticBatch(real, fake, critic, Seed.Generator(seed))).ToDouble();
        Assert.Equal(Value(Penalty.GradientPenalty, 5), Value(Penalty.GradientPenalty, 5));
        Assert.NotEqual(Value(Penalty.GradientPenalty, 5), Value(Penalty.GradientPenalty, 6));
        Assert.Equal(Value(Penalty.Dragan, 5), Value(Penalty.Dragan, 5));
        Assert.NotEqual(Value(Penalty.Dragan, 5), Value(Penalty.Dragan, 6));
    }

    [Fact]
    public void A_batch_checks_its_samples_and_the_critics_output()
    {
        var (real, fake) = Samples();
        Assert.Throws<GenShapeException>(() => new CriticBatch(real, fake[..8], x => x.sum(1)));
        Assert.Throws<ArgumentException>(() => new CriticBatch(real, fake.to(torch.float32), x => x.sum(1)));
        var error = Assert.Throws<GenShapeException>(() => new CriticBatch(real, fake, x => x));
        Assert.Contains("one logit per sample", error.Message);
    }
}
