using System.IO;
using System.Linq;
using Gen.Dsl.Tests.Checkpoints;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent.ConvVae;

public class ConvVaeCheckpointTests
{
    [Fact]
    public void An_image_vae_is_written_with_its_image_shape_and_network_types_and_reads_back_equal()
    {
        var spec = Gen.Dsl.Latent.Vae(1, 28, 28, 8).WithEncoder(Net.ConvEncoder(8, 16).WithKernel(3, 2).WithActivation(Activation.Silu))
            .WithDecoder(Net.ConvDecoder(16, 8)).WithLikelihood(Likelihood.Gaussian()).WithPosteriorFlow(PosteriorFlowKind.Planar, 1);
        var json = spec.ToJson().ReplaceLineEndings("\n");
        Assert.Contains("\"image\": [\n      1,\n      28,\n      28\n    ],", json);
        Assert.DoesNotContain("\"features\"", json);
        Assert.Contains("\"encoder\": {\n      \"type\": \"conv_encoder\",\n      \"channels\": [\n        8,\n        16\n      ],\n      \"kernel\": 3,\n      \"stride\": 2,\n      \"activation\": \"silu\"\n    },", json);
        Assert.Contains("\"type\": \"conv_decoder\"", json);
        Assert.Equal(spec, SpecJson.FromJson<VaeSpec>(json));

        // Mixed networks: an MLP keeps its untyped form beside a typed conv network.
        var mixed = spec.WithDecoder(Net.Mlp(32));
        Assert.Contains("\"decoder\": {\n      \"hidden\": [\n        32\n      ],\n      \"activation\": \"relu\"\n    },", mixed.ToJson().ReplaceLineEndings("\n"));
        Assert.Equal(mixed, SpecJson.FromJson<VaeSpec>(mixed.ToJson()));
    }

    [Theory]
    [InlineData("""{"version": 1, "spec": {"type": "vae", "image": [1, 28, 28], "latent": 2, "encoder": {"type": "conv_encoder", "channels": [8, 8, 8, 8, 8], "kernel": 4, "stride": 2, "activation": "relu"}, "decoder": {"hidden": [], "activation": "relu"}, "likelihood": {"type": "bernoulli"}, "objective": {"samples": 1, "dreg": false}, "kl": "analytic", "beta": 1, "kl_warm_up": 0, "free_bits": 0, "posterior_flow": "none", "posterior_flow_steps": 0}}""",
        "$.spec", "vae.encoder.conv[4]: a 4x4 convolution with stride 2 and padding 1 needs at least 2x2 pixels")]
    [InlineData("""{"version": 1, "spec": {"type": "vae", "image": [1, 28, 28], "latent": 2, "encoder": {"type": "conv_net", "channels": [8]}, "decoder": {"hidden": [], "activation": "relu"}, "likelihood": {"type": "bernoulli"}, "objective": {"samples": 1, "dreg": false}, "kl": "analytic", "beta": 1, "kl_warm_up": 0, "free_bits": 0, "posterior_flow": "none", "posterior_flow_steps": 0}}""",
        "$.spec.encoder.type", "unknown network type 'conv_net' (known: conv_decoder, conv_encoder, conv_resnet, resnet_discriminator, resnet_generator, style_generator)")]
    [InlineData("""{"version": 1, "spec": {"type": "vae", "image": [28, 28], "latent": 2, "encoder": {"hidden": [], "activation": "relu"}, "decoder": {"hidden": [], "activation": "relu"}, "likelihood": {"type": "bernoulli"}, "objective": {"samples": 1, "dreg": false}, "kl": "analytic", "beta": 1, "kl_warm_up": 0, "free_bits": 0, "posterior_flow": "none", "posterior_flow_steps": 0}}""",
        "$.spec", "vae.data: a VAE's data points are vectors [features] or images [channels, height, width], got [28, 28]")]
    [InlineData("""{"version": 1, "spec": {"type": "vae", "image": [1, 8, 8], "latent": 2, "encoder": {"type": "conv_encoder", "channels": [8], "kernel": 4, "stride": 2, "activation": "relu", "padding": 1}, "decoder": {"hidden": [], "activation": "relu"}, "likelihood": {"type": "bernoulli"}, "objective": {"samples": 1, "dreg": false}, "kl": "analytic", "beta": 1, "kl_warm_up": 0, "free_bits": 0, "posterior_flow": "none", "posterior_flow_steps": 0}}""",
        "$.spec.encoder.padding", "has no field 'padding'")]
    public void Bad_image_vae_documents_fail_at_their_json_path(string json, string path, string message)
    {
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson<VaeSpec>(json));
        Assert.Equal(path, e.JsonPath);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_loaded_conv_vae_gives_bit_equal_bounds_with_a_fixed_generator()
    {
        // A planar posterior flow too: its rows of the conv encoder's output layer start at the identity.
        var spec = Gen.Dsl.Latent.Vae(1, 12, 12, 3).WithEncoder(Net.ConvEncoder(4, 8)).WithDecoder(Net.ConvDecoder(8, 4))
            .WithPosteriorFlow(PosteriorFlowKind.Planar, 2);
        using var saved = spec.Compile(Device.Cpu, seed: 2);
        var x = torch.rand(6, 1, 12, 12, generator: Seed.Generator(0)).gt(0.5).to(torch.float32);
        VaeTraining.Fit(saved, x, steps: 3, batch: 6, learningRate: 1e-2, seed: 1);
        var path = CheckpointModels.SaveToNewFile(saved);
        using var loaded = Model.Load<VaeModel>(path, Device.Cpu);
        Assert.Equal(spec, loaded.Spec);
        Assert.Equal(saved.state_dict().Keys.Order(), loaded.state_dict().Keys.Order());
        Assert.Contains("encoder.conv.1.weight", loaded.state_dict().Keys);
        Assert.Contains("decoder.deconv.0.weight", loaded.state_dict().Keys);
        using var noGrad = torch.no_grad();
        Assert.True(CheckpointModels.Same(saved.Elbo(x, Seed.Generator(3)), loaded.Elbo(x, Seed.Generator(3))));
        Assert.True(CheckpointModels.Same(saved.Iwae(x, 4, Seed.Generator(4)), loaded.Iwae(x, 4, Seed.Generator(4))));
        Assert.True(CheckpointModels.Same(saved.Sample(5, Seed.Generator(5)), loaded.Sample(5, Seed.Generator(5))));
        File.Delete(path);
    }
}
