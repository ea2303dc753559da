using System;
using System.Linq;
using Gen.Probability;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

/// <summary>
/// A VAE checks the data of each call once (shape, dtype and device, then the values in one read-back) and the
/// distributions it builds for the call do not check again; the distributions it hands out are checked as usual.
/// </summary>
public class VaeValidationTests
{
    private static VaeSpec Small() => Gen.Dsl.Latent.Vae(64, latent: 4).WithEncoder(Net.Mlp(16)).WithDecoder(Net.Mlp(16));

    private static torch.Tensor Batch(int n) => LatentData.Digits(torch.float64).Train[..n];

    // Every method that takes data, by the node its errors name.
    private static (string Node, Func<VaeModel, torch.Tensor, torch.Tensor> Call)[] Calls { get; } = new (string, Func<VaeModel, torch.Tensor, torch.Tensor>)[]
    {
        ("vae.elbo", (m, x) => m.Elbo(x, Seed.Generator(0))),
        ("vae.loss", (m, x) => m.Loss(x, step: 3, Seed.Generator(0))),
        ("vae.iwae", (m, x) => m.Iwae(x, k: 3, Seed.Generator(0))),
        ("vae.log_prob", (m, x) => m.LogProb(x, samples: 6, chunk: 2, Seed.Generator(0))),
        ("vae.naive_log_prob", (m, x) => m.NaiveLogProb(x, samples: 6, chunk: 2, Seed.Generator(0))),
        ("vae.reconstruct", (m, x) => m.Reconstruct(x)),
        ("vae.encode", (m, x) => m.Encode(x).Sample(Array.Empty<long>(), Seed.Generator(0))),
    };

    [Fact]
    public void Every_call_rejects_bad_data_naming_the_node_and_the_value()
    {
        using var model = Small().Compile(Device.Cpu, torch.float64, seed: 0);
        foreach (var (node, call) in Calls)
        {
            var grey = Batch(3).clone();
            grey[1, 5] = torch.tensor(0.25);
            var nonBinary = Assert.Throws<ArgumentException>(() => call(model, grey));
            Assert.StartsWith(node + ":", nonBinary.Message);
            Assert.Contains("binary data", nonBinary.Message);
            Assert.Contains("got 0.25", nonBinary.Message);

            var missing = Batch(3).clone();
            missing[2, 0] = torch.tensor(double.NaN);
            var nan = Assert.Throws<ArgumentException>(() => call(model, missing));
            Assert.StartsWith(node + ":", nan.Message);
            Assert.Contains("got NaN", nan.Message);

            var wide = Assert.Throws<GenShapeException>(() => call(model, torch.zeros(new long[] { 2, 65 }, torch.float64)));
            Assert.Equal(node, wide.Node);
            Assert.Contains("[batch, 64]", wide.Message);

            var single = Assert.Throws<ArgumentException>(() => call(model, Batch(2).to_type(torch.float32)));
            Assert.Contains("Float32", single.Message);
        }

        using var gaussian = Small().WithLikelihood(Likelihood.Gaussian()).Compile(Device.Cpu, torch.float64, seed: 0);
        var infinite = Batch(3).clone();
        infinite[0, 1] = torch.tensor(double.PositiveInfinity);
        foreach (var (node, call) in Calls)
        {
            var e = Assert.Throws<ArgumentException>(() => call(gaussian, infinite));
            Assert.StartsWith(node + ":", e.Message);
            Assert.Contains("finite real numbers", e.Message);
        }
    }

    [Fact]
    public void Distributions_built_inside_a_call_do_not_check_again_and_those_handed_out_do()
    {
        // NaN decoder outputs: a Bernoulli built from them fails its own logits check, so a call that completes
        // built its likelihood unchecked (one read-back per call, the data's); before, every call raised here.
        using var model = Small().Compile(Device.Cpu, torch.float64, seed: 0);
        var x = Batch(4);
        using (torch.no_grad())
        {
            Parameter(model, "decoder.output.bias").fill_(double.NaN);
        }

        foreach (var (node, call) in Calls.Where(c => c.Node != "vae.encode"))
        {
            var result = call(model, x);
            Assert.True(result.isnan().any().item<bool>(), $"{node} gave no NaN from NaN weights");
        }

        // Outside a call, the likelihood handed to the user checks its parameters and values as usual.
        var logits = Assert.Throws<ArgumentException>(() => model.Decode(torch.zeros(new long[] { 2, 4 }, torch.float64)));
        Assert.Contains("'logits'", logits.Message);

        // The same for the posterior: NaN encoder outputs pass inside a call; Encode hands out a checked posterior.
        using var other = Small().Compile(Device.Cpu, torch.float64, seed: 0);
        using (torch.no_grad())
        {
            Parameter(other, "encoder.output.bias").fill_(double.NaN);
        }

        Assert.True(other.Elbo(x, Seed.Generator(0)).isnan().all().item<bool>());
        Assert.Contains("'loc'", Assert.Throws<ArgumentException>(() => other.Encode(x)).Message);
    }

    [Fact]
    public void Distributions_check_again_after_a_call_whether_it_succeeded_or_failed()
    {
        using var model = Small().Compile(Device.Cpu, torch.float64, seed: 0);
        var nanLogits = torch.tensor(new[] { 0.0, double.NaN }, torch.float64);
        model.Elbo(Batch(2));
        Assert.Throws<ArgumentException>(() => Family.Bernoulli(logits: nanLogits));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Loss(Batch(2), step: -1)); // fails after the data check
        Assert.Throws<ArgumentException>(() => Family.Bernoulli(logits: nanLogits));
        Assert.Throws<ArgumentException>(() => model.Elbo(torch.full(new long[] { 2, 64 }, 0.5, torch.float64)));
        Assert.Throws<ArgumentException>(() => Family.Bernoulli(logits: nanLogits));
    }

    private static torch.Tensor Parameter(VaeModel model, string name) =>
        model.named_parameters().Single(p => p.name == name).parameter;
}

/// <summary>With validation switched off, a VAE checks nothing and its likelihood masks values outside the support, as before.</summary>
[Collection(Name)]
public sealed class VaeValidationOffTests
{
    public const string Name = "Distribution.Validate off (VAE)";

    [Fact]
    public void Without_validation_values_outside_the_support_get_minus_infinity()
    {
        using var model = Gen.Dsl.Latent.Vae(64, latent: 4).WithEncoder(Net.Mlp(16)).WithDecoder(Net.Mlp(16)).Compile(Device.Cpu, torch.float64, seed: 0);
        var x = LatentData.Digits(torch.float64).Train[..3].clone();
        x[1, 7] = torch.tensor(0.5);
        Distribution.Validate = false;
        try
        {
            var terms = model.Terms(x, Seed.Generator(0));
            Assert.Equal(double.NegativeInfinity, terms.Reconstruction[1].item<double>());
            Assert.True(double.IsFinite(terms.Reconstruction[0].item<double>()));
        }
        finally
        {
            Distribution.Validate = true;
        }
    }
}

/// <summary>Flips the global validation switch, so it runs alone.</summary>
[CollectionDefinition(VaeValidationOffTests.Name, DisableParallelization = true)]
public sealed class VaeValidationOffCollection
{
}
