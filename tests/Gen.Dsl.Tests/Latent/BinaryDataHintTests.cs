using System;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

/// <summary>The fix a binary model's error suggests for 0..255 pixels works as written.</summary>
public sealed class BinaryDataHintTests
{
    private static torch.Tensor Pixels() => torch.tensor(new float[,] { { 0, 255, 128, 3 }, { 255, 0, 0, 200 } });

    [Fact]
    public void A_made_given_pixels_names_a_binarisation_that_works()
    {
        using var made = Autoregressive.Made(4, 8).Compile(Device.Cpu, seed: 0);
        var e = Assert.Throws<ArgumentException>(() => made.LogProb(Pixels()));
        Assert.Contains("Transforms.BinarizeStatic(x / 255, 0.5)", e.Message);
        Assert.Equal(new long[] { 2 }, made.LogProb(Transforms.BinarizeStatic(Pixels() / 255, 0.5)).shape);
    }

    [Fact]
    public void A_bernoulli_vae_given_pixels_names_a_binarisation_that_works()
    {
        using var vae = Gen.Dsl.Latent.Vae(4, 2).WithEncoder(Net.Mlp(8)).WithDecoder(Net.Mlp(8)).Compile(Device.Cpu, seed: 0);
        var e = Assert.Throws<ArgumentException>(() => vae.Elbo(Pixels()));
        Assert.Contains("Transforms.BinarizeStatic(x / 255, 0.5)", e.Message);
        Assert.Equal(new long[] { 2 }, vae.Elbo(Transforms.BinarizeStatic(Pixels() / 255, 0.5)).shape);
    }
}
