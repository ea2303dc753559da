using System;
using Gen.Probability;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

public class VaeElboTests
{
    private static VaeSpec Small() => Gen.Dsl.Latent.Vae(64, latent: 4).WithEncoder(Net.Mlp(32)).WithDecoder(Net.Mlp(32));

    private static torch.Tensor Batch(int n) => LatentData.Digits(torch.float64).Train[..n];

    [Fact]
    public void The_analytic_kl_is_the_closed_form_for_a_diagonal_gaussian_against_the_standard_normal()
    {
        using var model = Small().Compile(Device.Cpu, torch.float64, seed: 1);
        var x = Batch(16);
        var q = (Gen.Probability.Distributions.Independent)model.Encode(x);
        var normal = (Gen.Probability.Distributions.Normal)q.Base;
        var expected = 0.5 * (normal.Loc.square() + normal.Scale.square() - 1 - normal.Scale.square().log()).sum(1);
        var terms = model.Terms(x, Seed.Generator(0));
        Assert.True(torch.allclose(terms.Kl, expected, rtol: 1e-12, atol: 1e-12));
        Assert.True(torch.allclose(terms.Elbo, terms.Reconstruction - terms.Kl, rtol: 0, atol: 1e-12));
        Assert.Equal(new long[] { 16 }, terms.Elbo.shape);
        Assert.True(terms.Kl.ge(0).all().item<bool>());
        Assert.True(terms.Reconstruction.le(0).all().item<bool>()); // log of a probability mass
    }

    [Fact]
    public void Analytic_and_monte_carlo_kl_elbos_agree_in_expectation()
    {
        // The same weights under both estimates: the Monte Carlo KL averaged over many posterior draws must match the
        // analytic one within four standard errors, and so must the ELBOs.
        using var analytic = Small().Compile(Device.Cpu, torch.float64, seed: 2);
        using var monteCarlo = Small().WithKl(KlEstimate.MonteCarlo).Compile(Device.Cpu, torch.float64, seed: 2);
        var x = Batch(32);
        const int Draws = 400;
        var g = Seed.Generator(3);
        var kls = new torch.Tensor[Draws];
        var elbos = new torch.Tensor[Draws];
        using (torch.no_grad())
        {
            for (int i = 0; i < Draws; i++)
            {
                var t = monteCarlo.Terms(x, g);
                kls[i] = t.Kl.mean();
                elbos[i] = t.Elbo.mean();
            }
        }

        var klDraws = torch.stack(kls);
        var elboDraws = torch.stack(elbos);
        double exactKl;
        double meanAnalyticElbo;
        using (torch.no_grad())
        {
            exactKl = analytic.Terms(x, g).Kl.mean().item<double>();
            meanAnalyticElbo = torch.stack(new[] { analytic.Elbo(x, g).mean(), analytic.Elbo(x, g).mean(), analytic.Elbo(x, g).mean(), analytic.Elbo(x, g).mean() }).mean().item<double>();
        }

        double mcKl = klDraws.mean().item<double>();
        double klError = klDraws.std().item<double>() / Math.Sqrt(Draws);
        Assert.True(Math.Abs(mcKl - exactKl) < 4 * klError, $"Monte Carlo KL {mcKl:F4} vs analytic {exactKl:F4} (standard error {klError:F4})");
        Assert.True(klDraws.std().item<double>() > 1e-3, "the Monte Carlo KL must actually vary between draws");

        double mcElbo = elboDraws.mean().item<double>();
        double elboError = elboDraws.std().item<double>() / Math.Sqrt(Draws);
        Assert.True(Math.Abs(mcElbo - meanAnalyticElbo) < 4 * elboError + 0.05, $"ELBO with Monte Carlo KL {mcElbo:F3} vs analytic {meanAnalyticElbo:F3}");
    }

    [Fact]
    public void Beta_warm_up_and_free_bits_shape_the_loss_but_not_the_elbo()
    {
        var x = Batch(32);
        using var plain = Small().Compile(Device.Cpu, torch.float64, seed: 5);
        using var warm = Small().WithBeta(4).WithKlWarmUp(100).Compile(Device.Cpu, torch.float64, seed: 5);
        using var free = Small().WithFreeBits(50).Compile(Device.Cpu, torch.float64, seed: 5);

        Assert.Equal(1.0, plain.KlWeight(0));
        Assert.Equal(0.0, warm.KlWeight(0));
        Assert.Equal(1.0, warm.KlWeight(25));
        Assert.Equal(4.0, warm.KlWeight(100));
        Assert.Equal(4.0, warm.KlWeight(1000));

        // With the same posterior draw: loss = −mean(reconstruction) + weight · mean(KL).
        var t = plain.Terms(x, Seed.Generator(7));
        var plainLoss = plain.Loss(x, 0, Seed.Generator(7));
        Assert.Equal(-t.Elbo.mean().item<double>(), plainLoss.item<double>(), 10);
        Assert.Equal(-t.Reconstruction.mean().item<double>(), warm.Loss(x, 0, Seed.Generator(7)).item<double>(), 10);
        Assert.Equal((-t.Reconstruction.mean() + 2 * t.Kl.mean()).item<double>(), warm.Loss(x, 50, Seed.Generator(7)).item<double>(), 10);

        // 50 free nats per dimension exceed every dimension's KL here, so the KL term is the constant 50 · 4 and gives the
        // encoder no gradient through it.
        Assert.True(t.Kl.max().item<double>() < 50);
        Assert.Equal((-t.Reconstruction.mean()).item<double>() + 200, free.Loss(x, 0, Seed.Generator(7)).item<double>(), 9);

        // The reported ELBO is the true bound whatever the training options.
        Assert.True(torch.allclose(warm.Elbo(x, Seed.Generator(9)), plain.Elbo(x, Seed.Generator(9)), rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void Samples_and_reconstructions_have_the_data_shape_and_support()
    {
        using var model = Small().Compile(Device.Cpu, seed: 0);
        var s = model.Sample(10, Seed.Generator(1));
        Assert.Equal(new long[] { 10, 64 }, s.shape);
        Assert.True(s.eq(0).logical_or(s.eq(1)).all().item<bool>());
        Assert.True(model.Sample(10, Seed.Generator(1)).allclose(s, 0, 0)); // a seed repeats the draw
        var r = model.Reconstruct(Batch(5).to(torch.float32));
        Assert.Equal(new long[] { 5, 64 }, r.shape);
        Assert.True(r.gt(0).logical_and(r.lt(1)).all().item<bool>());
        Assert.False(r.requires_grad);
    }
}
