using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

public class FlowPriorTests
{
    private static FlowSpec RealNvp(int latent) =>
        Flow.Over(Dist.StandardNormal(latent)).Then(Bij.AffineCoupling(Mask.Alternating(latent), Net.Mlp(16))).Then(Bij.Reverse()).Repeat(2);

    private static VaeSpec Small(int latent = 3) =>
        Gen.Dsl.Latent.Vae(64, latent).WithEncoder(Net.Mlp(16)).WithDecoder(Net.Mlp(16)).WithPrior(RealNvp(latent));

    [Fact]
    public void The_prior_must_be_an_unconditional_flow_over_the_latent_code()
    {
        var vae = Gen.Dsl.Latent.Vae(64, 3).WithEncoder(Net.Mlp(16)).WithDecoder(Net.Mlp(16));
        var wide = Assert.Throws<GenShapeException>(() => vae.WithPrior(RealNvp(4)));
        Assert.Contains("vae.prior", wide.Message);
        Assert.Contains("over events [4], but the latent code is [3]", wide.Message);
        var conditional = Assert.Throws<GenShapeException>(() => vae.WithPrior(RealNvp(3).WithContext(2)));
        Assert.Contains("context of 2 features", conditional.Message);

        var text = Small().ToString();
        Assert.Contains("prior: Flow over StandardNormal(3) [3]", text);
        Assert.Contains("AffineCoupling", text);
        Assert.NotEqual(Small(), vae);
        Assert.Equal(Small(), Small());
    }

    [Fact]
    public void The_prior_is_learnt_with_the_rest_and_its_kl_is_estimated()
    {
        using var model = Small().Compile(Device.Cpu, torch.float64, seed: 0);
        TestWeights.Perturb(model, seed: 1, scale: 0.3);
        var x = LatentData.Digits(torch.float64).Train[..16];

        // A flow prior has no analytic KL to a Gaussian posterior: the KL term is a Monte Carlo estimate and changes between draws.
        var g = Seed.Generator(2);
        Assert.False(torch.allclose(model.Terms(x, g).Kl, model.Terms(x, g).Kl));

        var loss = model.Loss(x, 0, Seed.Generator(3));
        loss.backward();
        var priorParameters = model.named_parameters().Where(p => p.name.StartsWith("prior_flow.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(priorParameters);
        Assert.All(priorParameters, p => Assert.True(p.parameter.grad is not null && p.parameter.grad.abs().sum().item<double>() > 0, $"{p.name} gets no gradient"));

        // The bounds stay ordered, and samples come from the flow prior through the decoder.
        double elbo = Enumerable.Range(0, 20).Average(_ => model.Elbo(x, g).mean().item<double>());
        double logp = model.LogProb(x, samples: 1000, chunk: 250, g).mean().item<double>();
        Assert.True(elbo < logp, $"ELBO {elbo:F3}, log p {logp:F3}");
        var samples = model.Sample(5, Seed.Generator(4));
        Assert.Equal(new long[] { 5, 64 }, samples.shape);
        Assert.True(samples.eq(0).logical_or(samples.eq(1)).all().item<bool>());
    }
}

/// <summary>The flow-posterior and flow-prior snippet of src/Gen.Dsl/README.md, verbatim between the markers, runs.</summary>
public sealed class FlowPriorReadmeTests
{
    [Fact]
    public void The_snippet_compiles_and_scores()
    {
        // README:begin
        // A VAE with an IAF posterior and a flow prior.
        var prior = Flow.Over(Dist.StandardNormal(16)).Then(Bij.MaskedAutoregressive(64, 64)).Then(Bij.Reverse()).Repeat(2);
        var richer = Gen.Dsl.Latent.Vae(784, 16).WithEncoder(Net.Mlp(256)).WithDecoder(Net.Mlp(256))
            .WithPosteriorFlow(PosteriorFlowKind.InverseAutoregressive, 2)
            .WithPrior(prior);
        // README:end
        using var model = richer.Compile(Device.Cpu, seed: 0);
        var x = torch.bernoulli(torch.full(new long[] { 4, 784 }, 0.3f), generator: Seed.Generator(1));
        var elbo = model.Elbo(x, Seed.Generator(2));
        Assert.Equal(new long[] { 4 }, elbo.shape);
        Assert.True(elbo.isfinite().all().item<bool>());
    }

    [Fact]
    public void The_README_shows_the_tested_snippet()
    {
        var tested = Gen.Dsl.Tests.Readme.ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/Latent/FlowPriorTests.cs");
        Assert.Equal(tested.Replace("Gen.Dsl.Latent.Vae", "Latent.Vae", StringComparison.Ordinal), Gen.Dsl.Tests.Readme.ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "// A VAE with an IAF posterior"));
    }
}
