using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

public class DregTests
{
    private static VaeSpec Small(LatentObjective objective) =>
        Gen.Dsl.Latent.Vae(64, latent: 4).WithEncoder(Net.Mlp(32)).WithDecoder(Net.Mlp(32)).WithObjective(objective);

    private static torch.Tensor Batch(int n) => LatentData.Digits(torch.float64).Train[..n];

    private static Dictionary<string, torch.Tensor> Gradients(VaeModel model, torch.Tensor x, torch.Generator g)
    {
        model.zero_grad();
        model.Loss(x, step: 0, g).backward();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }

    [Fact]
    public void Dreg_loss_without_gradients_is_the_iwae_bound()
    {
        // Evaluating the training loss under no_grad (as a validation pass does) once aborted the process inside autograd.grad.
        using var plain = Small(LatentObjective.Iwae(8)).Compile(Device.Cpu, torch.float64, seed: 1);
        using var dreg = Small(LatentObjective.IwaeDreg(8)).Compile(Device.Cpu, torch.float64, seed: 1);
        var x = Batch(16);
        using var noGrad = torch.no_grad();
        Assert.Equal(plain.Loss(x, 0, Seed.Generator(2)).item<double>(), dreg.Loss(x, 0, Seed.Generator(2)).item<double>(), 10);
    }

    [Fact]
    public void Dreg_has_the_iwae_value_and_the_iwae_decoder_gradient()
    {
        using var plain = Small(LatentObjective.Iwae(8)).Compile(Device.Cpu, torch.float64, seed: 1);
        using var dreg = Small(LatentObjective.IwaeDreg(8)).Compile(Device.Cpu, torch.float64, seed: 1);
        var x = Batch(16);
        Assert.Equal(plain.Loss(x, 0, Seed.Generator(2)).item<double>(), dreg.Loss(x, 0, Seed.Generator(2)).item<double>(), 10);
        Assert.Equal(-plain.Iwae(x, 8, Seed.Generator(2)).mean().item<double>(), dreg.Loss(x, 0, Seed.Generator(2)).item<double>(), 10);

        var a = Gradients(plain, x, Seed.Generator(3));
        var b = Gradients(dreg, x, Seed.Generator(3));
        foreach (var name in a.Keys.Where(n => n.StartsWith("decoder.", StringComparison.Ordinal)))
        {
            Assert.True(torch.allclose(a[name], b[name], rtol: 1e-9, atol: 1e-12), name);
        }

        // The encoder's gradient is a different estimator (the score-function part is gone).
        Assert.Contains(a.Keys.Where(n => n.StartsWith("encoder.", StringComparison.Ordinal)), n => !torch.allclose(a[n], b[n], rtol: 1e-3, atol: 1e-6));
    }

    [Fact]
    public void Dreg_encoder_gradients_are_unbiased_for_the_iwae_gradient_and_far_less_noisy()
    {
        // A VAE trained briefly on the digits; 150 gradient draws of each estimator with k = 16 on 20 held-out digits.
        // Unbiased: per encoder weight, the difference of the two means in units of its standard error averages about
        // √(2/π) ≈ 0.8 (a biased variant, with w̃ in place of w̃², scores 6 or more). Less noisy: the median
        // signal-to-noise ratio |mean| / std is several times higher for DReG (about 0.5 against 0.09).
        var (meanAbsZ, live, plainSnr, dregSnr) = CompareEstimators(Small, "encoder.", draws: 150);
        Assert.True(live > 500, $"only {live} encoder weights have a gradient");
        Assert.True(meanAbsZ < 1.2, $"mean |z| of the difference of the gradient means is {meanAbsZ:F2}; unbiased estimators give about 0.8");
        Assert.True(dregSnr > 3 * plainSnr, $"median SNR: DReG {dregSnr:F3}, plain IWAE {plainSnr:F3}");
    }

    [Fact]
    public void Dreg_gradients_of_an_inverse_autoregressive_posteriors_own_weights_are_unbiased()
    {
        // The IAF steps' MADE weights are parameters of q that the encoder does not produce: log q at the detached samples
        // must hold them fixed too, or they also get −Σᵢ w̃ᵢ ∂log q(zᵢ)/∂λ, whose mean is not zero for k > 1. Measured on
        // this protocol: mean |z| 4.8 with that term, 0.7 without (unbiased estimators give about 0.8).
        static VaeSpec Iaf(LatentObjective objective) => Small(objective).WithPosteriorFlow(PosteriorFlowKind.InverseAutoregressive, 1);
        var (meanAbsZ, live, _, _) = CompareEstimators(Iaf, "posterior_flow.", draws: 150);
        Assert.True(live > 20, $"only {live} posterior flow weights have a gradient");
        Assert.True(meanAbsZ < 1.2, $"mean |z| of the difference of the gradient means is {meanAbsZ:F2}; unbiased estimators give about 0.8");
    }

    // Trains the ELBO version of a spec briefly on the digits, then draws the gradients of the parameters whose names
    // start with the prefix under plain IWAE and under DReG (k = 16, 20 held-out digits). Returns the mean |z| of the
    // difference of the two means (in standard errors), the number of weights with a gradient, and each median SNR.
    private static (double MeanAbsZ, long Live, double PlainSnr, double DregSnr) CompareEstimators(Func<LatentObjective, VaeSpec> spec, string prefix, int draws)
    {
        using var trained = spec(LatentObjective.Elbo()).Compile(Device.Cpu, torch.float64, seed: 0);
        var data = LatentData.Digits(torch.float64);
        VaeTraining.Fit(trained, data.Train, steps: 300, batch: 100, learningRate: 3e-3, seed: 1);
        var x = data.Test[..20];
        using var plain = spec(LatentObjective.Iwae(16)).Compile(Device.Cpu, torch.float64);
        using var dreg = spec(LatentObjective.IwaeDreg(16)).Compile(Device.Cpu, torch.float64);
        plain.load_state_dict(trained.state_dict());
        dreg.load_state_dict(trained.state_dict());

        torch.Tensor Draw(VaeModel model, long seed)
        {
            var g = Seed.Generator(seed);
            return torch.stack(Enumerable.Range(0, draws).Select(_ => torch.cat(Gradients(model, x, g)
                .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(kv => kv.Value.flatten()).ToArray())).ToArray());
        }

        var p = Draw(plain, 5);
        var d = Draw(dreg, 6);
        // Weights behind inactive ReLUs or masked out get exactly zero gradient from both; leave them out.
        var live = p.std(0).gt(0).logical_and(d.std(0).gt(0)).nonzero().flatten();
        p = p.index_select(1, live);
        d = d.index_select(1, live);
        var zero = new long[] { 0 };
        double meanAbsZ = ((p.mean(zero) - d.mean(zero)) / ((p.var(0) + d.var(0)) / draws).sqrt()).abs().mean().item<double>();
        double plainSnr = (p.mean(zero).abs() / p.std(0)).median().item<double>();
        double dregSnr = (d.mean(zero).abs() / d.std(0)).median().item<double>();
        return (meanAbsZ, live.shape[0], plainSnr, dregSnr);
    }
}
