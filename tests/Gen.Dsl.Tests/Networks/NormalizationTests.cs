using System;
using System.IO;
using System.Linq;
using Gen.Data;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Gen.Dsl.Tests.Networks;

/// <summary>
/// Normalisation chosen by value on every network node: where the layers sit (after each hidden layer, before its
/// activation, never on the output), what they compute (checked against the formula by hand), how batch and layer
/// normalisation differ between training and evaluation, and that the choice and the running statistics survive JSON
/// and checkpoints.
/// </summary>
public class NormalizationTests
{
    private static readonly long[] Image = { 1, 8, 8 };

    /// <summary>Every kind of network node, normalised as asked, with the event shapes it maps.</summary>
    public static TheoryData<string> Kinds => new() { "mlp", "conv_encoder", "conv_decoder", "conv_resnet" };

    private static (torch.nn.Module<torch.Tensor, torch.Tensor> Net, long[] Input) Build(string kind, Normalization n) => kind switch
    {
        "mlp" => (Net.Mlp(5, 4).WithNormalization(n).Build(new long[] { 6 }, new long[] { 3 }), new long[] { 6 }),
        "conv_encoder" => (Net.ConvEncoder(4, 8).WithNormalization(n).Build(Image, new long[] { 3 }), Image),
        "conv_decoder" => (Net.ConvDecoder(8, 4).WithNormalization(n).Build(new long[] { 3 }, Image), new long[] { 3 }),
        "conv_resnet" => (Net.ConvResNet(4, 2).WithNormalization(n).Build(Image, new long[] { 2, Image[1], Image[2] }), Image),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static torch.Tensor Batch(long[] input, long rows, long seed)
    {
        using var g = Seed.Generator(seed);
        return torch.randn(new[] { rows }.Concat(input).ToArray(), generator: g);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_node_has_one_normalisation_per_activation_and_none_without_it(string kind)
    {
        // MLP(5, 4): 2 hidden layers; encoder(4, 8): 2 convolutions; decoder(8, 4): the linear map and 1 of its 2
        // transposed convolutions; residual network with 2 blocks: 2 per block and 1 before the output.
        int expected = kind switch { "conv_resnet" => 5, _ => 2 };
        foreach (var (n, type) in new[] { (Normalization.Batch, "BatchNorm"), (Normalization.Layer, kind == "mlp" ? "LayerNorm" : "ChannelLayerNorm") })
        {
            var (net, _) = Build(kind, n);
            var norms = net.modules().Where(m => m.GetType().Name.StartsWith(type, StringComparison.Ordinal)).ToArray();
            Assert.Equal(expected, norms.Length);
        }

        var (plain, _) = Build(kind, Normalization.None);
        Assert.DoesNotContain(plain.modules(), m => m.GetType().Name.Contains("Norm", StringComparison.Ordinal));
        Assert.DoesNotContain(plain.state_dict().Keys, k => k.Contains("norm", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fresh_normalisations_scale_by_one_and_shift_by_zero(string kind)
    {
        // TorchSharp 0.107's GroupNorm module leaves its weight and bias uninitialised (seen: 1e35, NaN), so Gen's
        // layer normalisation of feature maps is its own; a fresh one must be the plain standardisation.
        foreach (var n in new[] { Normalization.Batch, Normalization.Layer })
        {
            var (net, _) = Build(kind, n);
            var norms = net.named_parameters().Where(p => p.name.Contains("norm", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(norms);
            foreach (var (name, p) in norms)
            {
                float expected = name.EndsWith("weight", StringComparison.Ordinal) ? 1f : 0f;
                Assert.True(p.eq(expected).all().item<bool>(), $"{kind}, {n}: {name} starts at {p}, not {expected}");
            }
        }
    }

    [Fact]
    public void An_mlp_normalises_each_hidden_layer_before_its_activation_as_the_formulas_say()
    {
        using var scope = torch.NewDisposeScope();
        var x = Batch(new long[] { 6 }, 7, 2).to(torch.float64);
        foreach (var n in new[] { Normalization.Batch, Normalization.Layer })
        {
            var net = (Sequential)Net.Mlp(5).WithNormalization(n).Build(new long[] { 6 }, new long[] { 3 });
            net.to(torch.float64);
            Checkpoints.CheckpointModels.Perturb(net, 3); // also moves the normalisation's scale and shift off 1 and 0
            var p = net.state_dict();
            var h = torch.nn.functional.linear(x, p["linear0.weight"], p["linear0.bias"]);
            // Batch: per feature over the batch, biased variance; layer: per example over the features.
            var (mean, variance) = n == Normalization.Batch
                ? (h.mean(new long[] { 0 }, keepdim: true), h.var(0, unbiased: false, keepdim: true))
                : (h.mean(new long[] { 1 }, keepdim: true), h.var(1, unbiased: false, keepdim: true));
            var (scale, shift) = n == Normalization.Batch
                ? (p["norm0.batch.weight"], p["norm0.batch.bias"])
                : (p["norm0.weight"], p["norm0.bias"]);
            var expected = torch.nn.functional.linear(torch.nn.functional.relu(((h - mean) / (variance + 1e-5).sqrt() * scale) + shift), p["output.weight"], p["output.bias"]);
            Assert.True(net.forward(x).allclose(expected, rtol: 1e-10, atol: 1e-10), $"{n}: the network does not compute output(relu(norm(linear0(x))))");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Batch_normalisation_depends_on_the_batch_in_training_only_and_layer_normalisation_never(string kind)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var n in new[] { Normalization.Batch, Normalization.Layer })
        {
            var (net, input) = Build(kind, n);
            Checkpoints.CheckpointModels.Perturb(net, 1); // a residual network's output convolution starts at zero
            var x = Batch(input, 6, 4);
            var alone = x[..2];
            double difference = (net.forward(x)[..2] - net.forward(alone)).abs().max().item<float>();
            Assert.True(n == Normalization.Batch ? difference > 1e-3 : difference < 1e-5, $"{kind}, {n}: the first two outputs change by {difference} when scored with or without the rest of the batch");

            net.eval();
            Assert.True(net.forward(x)[..2].allclose(net.forward(alone), rtol: 1e-5, atol: 1e-5), $"{kind}, {n}: in evaluation mode each example is scored alone");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Batch_normalisation_refuses_one_value_per_channel_in_training_and_keeps_its_statistics(string kind)
    {
        // libtorch would compute the variance of one value as 0/0 and write NaN into the running variance for good.
        using var scope = torch.NewDisposeScope();
        var (net, input) = Build(kind, Normalization.Batch);
        var before = net.state_dict().Where(p => p.Key.EndsWith("running_var", StringComparison.Ordinal)).Select(p => p.Value.clone()).ToArray();
        Assert.NotEmpty(before);
        // One example: the MLP's layers see one value per feature; the convolutional nodes' layers still see several
        // pixels per channel and may normalise it.
        var one = Batch(input, 1, 9);
        if (kind == "mlp")
        {
            var e = Assert.Throws<GenShapeException>(() => net.forward(one));
            Assert.Equal("batch_norm", e.Node);
            Assert.Contains("at least 2 values per channel", e.Message, StringComparison.Ordinal);
            var after = net.state_dict().Where(p => p.Key.EndsWith("running_var", StringComparison.Ordinal)).Select(p => p.Value).ToArray();
            Assert.All(after, v => Assert.False(v.isnan().any().item<bool>()));
        }

        net.eval();
        Assert.True(net.forward(one).isfinite().all().item<bool>());
    }

    [Fact]
    public void Batch_normalisation_takes_every_leading_dimension_as_examples()
    {
        // An IWAE's decoder sees [k, batch, latent]: the k·batch rows are the batch, not k rows of batch features.
        using var scope = torch.NewDisposeScope();
        var net = Net.Mlp(5).WithNormalization(Normalization.Batch).Build(new long[] { 4 }, new long[] { 3 });
        var x = Batch(new long[] { 2, 5, 4 }, 1, 5)[0];
        Assert.True(net.forward(x).allclose(net.forward(x.reshape(10, 4)).reshape(2, 5, 3), rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Batch_normalised_mlps_ignore_a_shift_shared_by_the_whole_batch()
    {
        // linear(x + c) = linear(x) + W·c, the same for every row, which the batch mean removes: a law of batch
        // normalisation placed right after the first layer.
        using var scope = torch.NewDisposeScope();
        var net = Net.Mlp(5, 4).WithNormalization(Normalization.Batch).Build(new long[] { 6 }, new long[] { 3 });
        var x = Batch(new long[] { 6 }, 8, 6);
        var shift = Batch(new long[] { 6 }, 1, 7) * 3;
        Assert.True(net.forward(x + shift).allclose(net.forward(x), rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void The_choice_prints_compares_and_reads_back_from_json()
    {
        var mlp = Net.Mlp(64, 64).WithNormalization(Normalization.Batch);
        Assert.Equal("Mlp(64, 64; relu, batch norm)", mlp.ToString());
        Assert.Equal("ConvEncoder(32, 64; 4x4 stride 2; relu, layer norm)", Net.ConvEncoder(32, 64).WithNormalization(Normalization.Layer).ToString());
        Assert.Equal("ConvResNet(16 channels, 1 blocks; relu, batch norm)", Net.ConvResNet(16, 1).WithNormalization(Normalization.Batch).ToString());
        Assert.NotEqual(mlp, Net.Mlp(64, 64));
        Assert.Equal(mlp, Net.Mlp(64, 64).WithNormalization(Normalization.Batch));

        var vae = Dsl.Latent.Vae(1, 8, 8, 4)
            .WithEncoder(Net.ConvEncoder(8, 16).WithNormalization(Normalization.Batch))
            .WithDecoder(Net.ConvDecoder(16, 8).WithNormalization(Normalization.Layer));
        var json = vae.ToJson();
        Assert.Contains("\"normalization\": \"batch\"", json, StringComparison.Ordinal);
        Assert.Contains("\"normalization\": \"layer\"", json, StringComparison.Ordinal);
        Assert.Equal(vae, SpecJson.FromJson<VaeSpec>(json));

        var flow = Flow.Over(Dist.StandardNormal(4)).Then(Bij.AffineCoupling(Mask.Alternating(4), mlp));
        Assert.Equal(flow, SpecJson.FromJson<FlowSpec>(flow.ToJson()));
        var glow = ImageFlow.Glow(1, 4, 4, 1, 1, 4).Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(), Net.ConvResNet(4, 1).WithNormalization(Normalization.Layer)));
        Assert.Equal(glow, SpecJson.FromJson<FlowSpec>(glow.ToJson()));

        // Without normalisation the field is left out, so documents written before it existed read as they did.
        Assert.DoesNotContain("normalization", Flow.Over(Dist.StandardNormal(4)).Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8))).ToJson(), StringComparison.Ordinal);
        var e = Assert.ThrowsAny<Exception>(() => SpecJson.FromJson(json.Replace("\"batch\"", "\"group\"", StringComparison.Ordinal)));
        Assert.Contains("normalization", e.Message, StringComparison.Ordinal);
        Assert.Contains("'group'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_value_is_refused_where_it_is_given()
    {
        var e = Assert.Throws<GenShapeException>(() => Net.Mlp(4).WithNormalization((Normalization)9));
        Assert.Contains("mlp.normalization", e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown normalisation 9", e.Message, StringComparison.Ordinal);
        Assert.Contains("conv_encoder.normalization", Assert.Throws<GenShapeException>(() => Net.ConvEncoder(4).WithNormalization((Normalization)9)).Message, StringComparison.Ordinal);
        Assert.Contains("conv_decoder.normalization", Assert.Throws<GenShapeException>(() => Net.ConvDecoder(4).WithNormalization((Normalization)9)).Message, StringComparison.Ordinal);
        Assert.Contains("conv_resnet.normalization", Assert.Throws<GenShapeException>(() => Net.ConvResNet(4, 0).WithNormalization((Normalization)9)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_keeps_the_running_statistics_and_scores_bit_for_bit()
    {
        // A binarised-digits VAE with batch-normalised convolutional networks: a few training-mode passes move the
        // running statistics, which evaluation mode uses; the reloaded model must score exactly as the saved one.
        var digits = Digits.Load(Device.Cpu).Images.reshape(-1, 1, 8, 8).gt(7).to(torch.float32)[..64];
        var spec = Dsl.Latent.Vae(1, 8, 8, 4)
            .WithEncoder(Net.ConvEncoder(8, 16).WithNormalization(Normalization.Batch))
            .WithDecoder(Net.ConvDecoder(16, 8).WithNormalization(Normalization.Batch));
        using var model = spec.Compile(Device.Cpu, seed: 0);
        using (torch.no_grad())
        {
            for (int i = 0; i < 3; i++)
            {
                using var elbo = model.Elbo(digits);
            }
        }

        model.eval();
        var path = Path.Combine(Path.GetTempPath(), $"gen-batch-norm-{Guid.NewGuid():N}.gen");
        try
        {
            Model.Save(path, model);
            using var loaded = Model.Load<VaeModel>(path, Device.Cpu);
            loaded.eval();
            var running = loaded.state_dict().Where(p => p.Key.EndsWith("running_mean", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(running);
            Assert.All(running, p => Assert.True(p.Value.abs().sum().item<float>() > 0, $"{p.Key} was not restored"));
            using var g1 = Seed.Generator(9);
            using var g2 = Seed.Generator(9);
            using var a = model.LogProb(digits, 8, generator: g1);
            using var b = loaded.LogProb(digits, 8, generator: g2);
            Assert.True(a.equal(b).all().item<bool>(), "the loaded model must score bit for bit as the saved one");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_feature_map_with_one_value_per_channel_is_refused_by_batch_normalisation_in_training()
    {
        using var scope = torch.NewDisposeScope();
        var net = Net.ConvResNet(4, 1).WithNormalization(Normalization.Batch).Build(new long[] { 2, 1, 1 }, new long[] { 2, 1, 1 });
        Assert.Equal("batch_norm", Assert.Throws<GenShapeException>(() => net.forward(torch.randn(1, 2, 1, 1))).Node);
        Assert.True(net.forward(torch.randn(2, 2, 1, 1)).isfinite().all().item<bool>());
        Assert.True(net.forward(torch.randn(1, 2, 2, 1)).isfinite().all().item<bool>());
    }
}
