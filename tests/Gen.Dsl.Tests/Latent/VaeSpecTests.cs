using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

public class VaeSpecTests
{
    private static VaeSpec Small() => Gen.Dsl.Latent.Vae(64, latent: 4).WithEncoder(Net.Mlp(32)).WithDecoder(Net.Mlp(32));

    [Fact]
    public void Specs_have_value_equality_and_print_as_a_tree()
    {
        Assert.Equal(Small(), Small());
        Assert.NotEqual(Small(), Small().WithBeta(2));
        Assert.NotEqual(Small(), Small().WithLikelihood(Likelihood.Gaussian()));
        var text = Gen.Dsl.Latent.Vae(784, latent: 50).WithEncoder(Net.Mlp(500, 500)).WithDecoder(Net.Mlp(500, 500)).ToString();
        Assert.StartsWith("Vae(784 features, 50 latent)", text);
        Assert.Contains("encoder: Mlp(500, 500; relu) -> DiagonalNormal(50)", text);
        Assert.Contains("decoder: Mlp(500, 500; relu) -> Bernoulli(784)", text);
    }

    [Fact]
    public void Bad_sizes_and_options_get_clear_errors()
    {
        Assert.Equal("vae.features", Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(0, 2)).Node);
        Assert.Equal("vae.latent", Assert.Throws<GenShapeException>(() => Gen.Dsl.Latent.Vae(10, -1)).Node);
        Assert.Equal("vae.encoder.hidden[1]", Assert.Throws<GenShapeException>(() => Small().WithEncoder(new MlpSpec(new ValueList<int>(new[] { 8, 0 }), Activation.Relu))).Node);
        Assert.Contains("vae.beta", Assert.Throws<ArgumentOutOfRangeException>(() => Small().WithBeta(-1)).Message);
        Assert.Contains("vae.beta", Assert.Throws<ArgumentOutOfRangeException>(() => Small().WithBeta(double.NaN)).Message);
        Assert.Contains("vae.kl_warm_up", Assert.Throws<ArgumentOutOfRangeException>(() => Small().WithKlWarmUp(-5)).Message);
        Assert.Contains("vae.free_bits", Assert.Throws<ArgumentOutOfRangeException>(() => Small().WithFreeBits(-0.1)).Message);
        Assert.Contains("Iwae(k: 5)", Assert.Throws<ArgumentException>(() => Small().WithObjective(LatentObjective.Iwae(5)).WithFreeBits(0.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentObjective.Iwae(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentObjective.IwaeDreg(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Likelihood.GaussianWithScale(0));
    }

    [Fact]
    public void Compiling_twice_gives_independent_models_and_a_seed_gives_equal_weights()
    {
        using var a = Small().Compile(Device.Cpu, seed: 4);
        using var b = Small().Compile(Device.Cpu, seed: 4);
        using var c = Small().Compile(Device.Cpu, seed: 5);
        var pa = a.parameters().ToArray();
        Assert.All(pa.Zip(b.parameters()), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
        Assert.Contains(pa.Zip(c.parameters()), p => !p.First.allclose(p.Second, 0, 0));
        Assert.Equal(new[] { "decoder", "encoder", "prior" }, a.named_children().Select(m => m.name).OrderBy(n => n));
    }

    [Fact]
    public void Bad_data_gets_clear_errors()
    {
        using var model = Small().Compile(Device.Cpu, seed: 0);
        var wide = Assert.Throws<GenShapeException>(() => model.Elbo(torch.zeros(3, 65)));
        Assert.Equal("vae.elbo", wide.Node);
        Assert.Contains("[batch, 64]", wide.Message);
        Assert.Contains("[3, 65]", wide.Message);
        Assert.Throws<GenShapeException>(() => model.Elbo(torch.zeros(64)));

        var grey = torch.full(new long[] { 2, 64 }, 0.5f);
        var nonBinary = Assert.Throws<ArgumentException>(() => model.Elbo(grey));
        Assert.Contains("binary", nonBinary.Message);
        Assert.Contains("0.5", nonBinary.Message);

        var dtype = Assert.Throws<ArgumentException>(() => model.Elbo(torch.zeros(new long[] { 2, 64 }, dtype: torch.float64)));
        Assert.Contains("Float64", dtype.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Loss(torch.zeros(2, 64), step: -1));
        Assert.Throws<GenShapeException>(() => model.Decode(torch.zeros(2, 5)));

        using var gaussian = Small().WithLikelihood(Likelihood.Gaussian()).Compile(Device.Cpu, seed: 0);
        Assert.Equal(2, gaussian.Elbo(grey).shape[0]); // continuous data is fine for a Gaussian likelihood
        grey[0, 0] = torch.tensor(float.NaN);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => gaussian.Elbo(grey)).Message);
    }
}
